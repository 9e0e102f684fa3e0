import { renderTemplate, templateProblems, valueAt } from './proxy-template.js';

describe('proxy templates', () => {
  const variables = {
    phoneNumber: '+14155550100',
    count: 3,
    contactInfo: { id: 42, name: 'Jane' },
    messages: [{ subject: 'hi' }],
    empty: null,
  };

  it('reads dot paths and indexes, own properties only', () => {
    expect(valueAt(variables, 'contactInfo.name')).toBe('Jane');
    expect(valueAt(variables, 'messages.0.subject')).toBe('hi');
    expect(valueAt(variables, 'messages[0].subject')).toBe('hi');
    expect(valueAt(variables, 'contactInfo.missing.deeper')).toBeUndefined();
    expect(valueAt(variables, 'contactInfo.constructor')).toBeUndefined();
    expect(valueAt(variables, '__proto__')).toBeUndefined();
  });

  it('keeps the raw value of a whole-string placeholder and interpolates text otherwise', () => {
    expect(renderTemplate('{{count}}', variables)).toBe(3);
    expect(renderTemplate('{{ contactInfo }}', variables)).toEqual({ id: 42, name: 'Jane' });
    expect(renderTemplate('Call {{contactInfo.name}} at {{phoneNumber}} ({{missing}}{{empty}})', variables)).toBe(
      'Call Jane at +14155550100 ()',
    );
    expect(renderTemplate({ a: ['{{count}}', { b: 'x{{count}}' }], n: 7, t: true }, variables)).toEqual({
      a: [3, { b: 'x3' }],
      n: 7,
      t: true,
    });
  });

  it('turns numeric text into a number with | number, and leaves other values alone', () => {
    expect(renderTemplate('{{ id | number }}', { id: '42' })).toBe(42);
    expect(renderTemplate('{{id|number}}', { id: 'abc' })).toBe('abc');
    expect(renderTemplate('{{id | number}}', {})).toBeUndefined();
    expect(renderTemplate('n={{id | number}}', { id: '042' })).toBe('n=42');
  });

  it('finds malformed placeholders', () => {
    expect(templateProblems('{{ok}} and {{ also.ok }}')).toEqual([]);
    expect(templateProblems('{{open')).toHaveLength(1);
    expect(templateProblems('{{}}')).toHaveLength(1);
    expect(templateProblems('close}}')).toHaveLength(1);
    expect(templateProblems('{{id | upper}}')).toHaveLength(1);
  });
});
