import type { PhoneNumberForms } from '../crm-connector.interface.js';
import { clioRegionalHost } from './clio-api.client.js';
import {
  callTimeEntry,
  chosenMatter,
  communicationParties,
  matterChoices,
  newContactInput,
  phoneMatches,
  phoneSearchTerms,
  ticked,
} from './clio.mapping.js';
import type { ClioContact } from './clio.types.js';

const forms: PhoneNumberForms = {
  raw: '+14155550100',
  e164: '+14155550100',
  national: '(415) 555-0100',
  international: '+1 415 555 0100',
  nationalDigits: '4155550100',
  overriding: ['415-555-0100', '(415) 555-0100'],
  isExtension: false,
};
const contact = (...numbers: string[]): ClioContact => ({
  id: 1,
  name: 'X',
  type: 'Person',
  phone_numbers: numbers.map((number) => ({ number })),
});

describe('Clio mapping', () => {
  it('searches each distinct form once', () => {
    expect(phoneSearchTerms(forms)).toEqual(['+14155550100', '(415) 555-0100', '4155550100', '+1 415 555 0100', '415-555-0100']);
  });

  it('accepts a contact only when one of its numbers is the number, in any notation', () => {
    expect(phoneMatches(contact('(415) 555-0100'), forms)).toBe(true);
    expect(phoneMatches(contact('+1 415-555-0100'), forms)).toBe(true);
    expect(phoneMatches(contact('1.415.555.0100'), forms)).toBe(true);
    expect(phoneMatches(contact('+14155550109'), forms)).toBe(false);
    expect(phoneMatches(contact('+4415555010000'), forms)).toBe(false);
    expect(phoneMatches(contact(), forms)).toBe(false);
  });

  it('names a Person by first and last name and a Company by name', () => {
    expect(newContactInput('Mary Ann Client', 'Person', '+1')).toMatchObject({ type: 'Person', first_name: 'Mary Ann', last_name: 'Client' });
    expect(newContactInput('Cher', undefined, '+1')).toEqual({
      type: 'Person',
      last_name: 'Cher',
      phone_numbers: [{ name: 'Work', number: '+1', default_number: true }],
    });
    expect(newContactInput(' Acme LLP ', 'Company', '+1')).toMatchObject({ type: 'Company', name: 'Acme LLP' });
  });

  it('offers open and pending matters once each', () => {
    const choices = matterChoices([
      { id: 1, display_number: 'A', status: 'Open' },
      { id: 2, display_number: 'B', status: 'Closed' },
      { id: 3, display_number: 'C', status: 'Pending', description: 'Lease' },
      { id: 1, display_number: 'A', status: 'Open' },
    ]);
    expect(choices).toEqual([
      { const: '1', title: 'A' },
      { const: '3', title: 'C', description: 'Lease' },
    ]);
  });

  it('reads the chosen matter and the call direction', () => {
    expect(chosenMatter({ matters: '42' })).toEqual({ id: 42 });
    expect(chosenMatter({ matters: 'abc' })).toBeUndefined();
    expect(chosenMatter(undefined)).toBeUndefined();
    expect(communicationParties('Outbound', 7, 9)).toEqual({ senders: [{ id: 7, type: 'User' }], receivers: [{ id: 9, type: 'Contact' }] });
    expect(communicationParties('Inbound', 7, 9)).toEqual({ senders: [{ id: 9, type: 'Contact' }], receivers: [{ id: 7, type: 'User' }] });
  });

  it('accepts only Clio regional hosts', () => {
    expect(clioRegionalHost('eu.app.clio.com')).toBe('eu.app.clio.com');
    expect(clioRegionalHost('https://AU.app.clio.com/nc/')).toBe('au.app.clio.com');
    expect(clioRegionalHost('app.clio.com.evil.example')).toBeNull();
    expect(clioRegionalHost('evil.example')).toBeNull();
    expect(clioRegionalHost(undefined)).toBeNull();
  });

  it('reads checkboxes sent as booleans or strings, else the default', () => {
    expect(ticked({ a: false }, 'a', true)).toBe(false);
    expect(ticked({ a: 'false' }, 'a', true)).toBe(false);
    expect(ticked({ a: 'true' }, 'a', false)).toBe(true);
    expect(ticked({}, 'a', true)).toBe(true);
    expect(ticked(undefined, 'a', false)).toBe(false);
  });

  it('times a call in seconds on the user day; nothing while it has no duration', () => {
    const base = { startTime: '2026-06-24T23:30:00.000Z', timezone: 'Asia/Tokyo', note: 'n', additionalSubmission: { matters: '5' } };
    expect(callTimeEntry({ ...base, duration: 90.4 })).toEqual({
      quantity: 90,
      note: 'n',
      non_billable: false,
      date: '2026-06-25',
      matter: { id: 5 },
    });
    expect(callTimeEntry({ ...base, timezone: 'America/Los_Angeles', duration: 60 })?.date).toBe('2026-06-24');
    expect(callTimeEntry({ ...base, duration: 'pending' })).toBeUndefined();
    expect(callTimeEntry({ ...base, duration: 0 })).toBeUndefined();
    expect(callTimeEntry({ ...base, duration: undefined })).toBeUndefined();
  });
});
