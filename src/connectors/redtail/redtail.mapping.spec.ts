import { activityDescription, carriesKey, chosenCategory, contactName, readActivityDescription, splitName } from './redtail.mapping.js';

describe('Redtail mapping', () => {
  it('picks the form category, else the default category setting, else none', () => {
    expect(chosenCategory({ category: '4' }, { defaultCategory: { value: '2' } })).toBe(4);
    expect(chosenCategory({}, { defaultCategory: { value: 2 } })).toBe(2);
    expect(chosenCategory({ category: '' }, { defaultCategory: { value: 'not a number' } })).toBeUndefined();
    expect(chosenCategory(undefined, undefined)).toBeUndefined();
  });

  it('hides the key in an HTML comment that reading removes', () => {
    const description = activityDescription('<p>body</p>', 'k-1');
    expect(carriesKey(description, 'k-1')).toBe(true);
    expect(carriesKey(description, 'k-2')).toBe(false);
    expect(readActivityDescription(description)).toBe('<p>body</p>');
  });

  it('names and splits people', () => {
    expect(contactName({ id: 1, first_name: 'Ann', middle_name: ' ', last_name: 'Lee' })).toBe('Ann Lee');
    expect(contactName({ id: 1, full_name: 'Lee Family Trust' })).toBe('Lee Family Trust');
    expect(splitName('Cher')).toEqual({ first_name: '', last_name: 'Cher' });
    expect(splitName('Mary Ann Lee')).toEqual({ first_name: 'Mary Ann', last_name: 'Lee' });
  });
});
