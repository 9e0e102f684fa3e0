import { insightlyApiHost } from './insightly-api.client.js';
import { callWindow, carriesKey, eventDetails, ianaZone, newPersonInput, phoneSearchTerms, readEventDetails } from './insightly.mapping.js';

describe('Insightly mapping', () => {
  it.each([
    ['https://api.na1.insightly.com/v3.1', 'api.na1.insightly.com'],
    ['api.eu1.insightly.com', 'api.eu1.insightly.com'],
    ['https://crm.na1.insightly.com/list/Contact/', 'api.na1.insightly.com'],
    ['HTTPS://API.NA1.INSIGHTLY.COM/v3.1?x=1', 'api.na1.insightly.com'],
  ])('reads the API host of %s', (given, host) => {
    expect(insightlyApiHost(given)).toBe(host);
  });

  it.each(['https://evil.example.com/v3.1', 'insightly.com.evil.example', 'https://api.na1.insightly.com@evil.example/', '', 'http://10.0.0.1/'])(
    'refuses %s as an Insightly host',
    (given) => {
      expect(insightlyApiHost(given)).toBeNull();
    },
  );

  it('keeps the key on a last line that reading the event removes', () => {
    const details = eventDetails('Line one\nLine two', 'k-1');
    expect(carriesKey(details, 'k-1')).toBe(true);
    expect(carriesKey(details, 'k-2')).toBe(false);
    expect(readEventDetails(details)).toBe('Line one\nLine two');
    expect(readEventDetails('no key here')).toBe('no key here');
  });

  it('searches the written forms of a number once each, or only the user formats', () => {
    const forms = {
      raw: '+14155550100',
      e164: '+14155550100',
      national: '(415) 555-0100',
      international: '+1 415 555 0100',
      nationalDigits: '4155550100',
      overriding: [],
      isExtension: false,
    };
    expect(phoneSearchTerms(forms)).toEqual(['+14155550100', '(415) 555-0100', '4155550100', '+1 415 555 0100']);
    expect(phoneSearchTerms({ ...forms, overriding: ['415.555.0100'] })).toEqual(['415.555.0100']);
  });

  it('splits names, times calls and maps zones', () => {
    expect(newPersonInput('Ann', '+1')).toEqual({ LAST_NAME: 'Ann', PHONE: '+1' });
    expect(newPersonInput('Ann Marie Lee', '+1')).toEqual({ FIRST_NAME: 'Ann Marie', LAST_NAME: 'Lee', PHONE: '+1' });
    expect(callWindow('2026-06-24T02:30:00.000Z', 'pending')).toEqual({ START_DATE_UTC: '2026-06-24 02:30:00', END_DATE_UTC: '2026-06-24 02:30:00' });
    expect(ianaZone('Tokyo Standard Time')).toBe('Asia/Tokyo');
    expect(ianaZone('Made Up Time')).toBeUndefined();
  });
});
