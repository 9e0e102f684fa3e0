import {
  applyOverridingFormat,
  normaliseOverridingFormat,
  parsePhoneNumber,
  phoneNumberForms,
  repairLostPlus,
  splitOverridingFormats,
  toE164,
} from './phone-number.js';

describe('repairLostPlus', () => {
  it.each([
    [' 14155550100', '+14155550100'],
    ['  442079460958 ', '+442079460958'],
    ['+14155550100', '+14155550100'],
    ['(415) 555-0100', '(415) 555-0100'],
    [' (415) 555-0100', '(415) 555-0100'],
    ['4155550100 ', '4155550100'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(repairLostPlus(input)).toBe(expected);
  });
});

describe('parsePhoneNumber / toE164', () => {
  it.each([
    ['+14155550100', '+14155550100'],
    ['(415) 555-0100', '+14155550100'],
    ['415.555.0100', '+14155550100'],
    ['415-555-0100', '+14155550100'],
    ['1-415-555-0100', '+14155550100'],
    ['14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    [' 14155550100', '+14155550100'],
    ['tel:+14155550100', '+14155550100'],
    ['(415) 555-0100 x12', '+14155550100'],
    ['+1 415 555 0100 ext. 12', '+14155550100'],
    ['+44 20 7946 0958', '+442079460958'],
    ['011 44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+39 02 1234 5678', '+390212345678'],
    ['+81 3-1234-5678', '+81312345678'],
  ])('%j -> %s', (input, expected) => {
    expect(toE164(input, 'US')).toBe(expected);
  });

  it('reads a national number in the default region', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('03-1234-5678', 'JP')).toBe('+81312345678');
    expect(toE164('020 7946 0958', 'US')).toBeNull();
  });

  it('accepts fictional but well-formed ranges such as 555-01xx', () => {
    expect(parsePhoneNumber('212-555-0142', 'US')?.number).toBe('+12125550142');
  });

  it.each(['', '   ', 'abc', 'not a number', '+', '12345', '415555010', '+1415555010012345', '1-800-FLOWERS'])(
    'rejects %j',
    (input) => {
      expect(parsePhoneNumber(input, 'US')).toBeUndefined();
      expect(toE164(input, 'US')).toBeNull();
    },
  );
});

describe('overriding formats', () => {
  it('fills one digit per star', () => {
    expect(applyOverridingFormat('(***) ***-****', '4155550100')).toBe('(415) 555-0100');
    expect(applyOverridingFormat('***-***-****', '4155550100')).toBe('415-555-0100');
    expect(applyOverridingFormat('+1 *** *** ****', '4155550100')).toBe('+1 415 555 0100');
  });

  it('yields null when the star count does not fit the number', () => {
    expect(applyOverridingFormat('(***) ***-****', '312345678')).toBeNull();
    expect(applyOverridingFormat('***-****', '4155550100')).toBeNull();
    expect(applyOverridingFormat('no stars', '4155550100')).toBeNull();
  });

  it('treats a leading blank before a country code as a lost +', () => {
    expect(normaliseOverridingFormat(' 1 *** *** ****')).toBe('+1 *** *** ****');
    expect(normaliseOverridingFormat(' (***) ***-****')).toBe('(***) ***-****');
    expect(applyOverridingFormat(' 1 *** *** ****', '4155550100')).toBe('+1 415 555 0100');
  });

  it('splits the comma-separated query value, trimming, dropping empties and repeats', () => {
    expect(splitOverridingFormats('(***) ***-****, ***-***-****,,(***) ***-****, 1 *** *** ****')).toEqual([
      '(***) ***-****',
      '***-***-****',
      '+1 *** *** ****',
    ]);
    expect(splitOverridingFormats(undefined)).toEqual([]);
    expect(splitOverridingFormats('')).toEqual([]);
  });
});

describe('phoneNumberForms', () => {
  it('gives every form of a parsable number', () => {
    expect(phoneNumberForms(' 14155550100', 'US', ['(***) ***-****', '***.***.****', '** **'])).toEqual({
      raw: '+14155550100',
      e164: '+14155550100',
      national: '(415) 555-0100',
      international: '+1 415 555 0100',
      nationalDigits: '4155550100',
      overriding: ['(415) 555-0100', '415.555.0100'],
      isExtension: false,
    });
  });

  it('drops the extension from the line forms', () => {
    const forms = phoneNumberForms('+1 415 555 0100 ext. 12', 'US');
    expect(forms).toMatchObject({
      raw: '+1 415 555 0100 ext. 12',
      e164: '+14155550100',
      national: '(415) 555-0100',
      international: '+1 415 555 0100',
    });
  });

  it('keeps the leading zero of national digits where the country has one', () => {
    expect(phoneNumberForms('+390212345678', 'US')).toMatchObject({
      nationalDigits: '0212345678',
      national: '02 1234 5678',
    });
  });

  it('leaves an extension lookup unparsed and as typed', () => {
    expect(phoneNumberForms(' 101 ', 'US', ['(***) ***-****'], true)).toEqual({
      raw: '101',
      e164: null,
      national: null,
      international: null,
      nationalDigits: null,
      overriding: [],
      isExtension: true,
    });
  });

  it('gives null forms for text that is not a number', () => {
    expect(phoneNumberForms('hello', 'US', ['(***) ***-****'])).toEqual({
      raw: 'hello',
      e164: null,
      national: null,
      international: null,
      nationalDigits: null,
      overriding: [],
      isExtension: false,
    });
  });
});
