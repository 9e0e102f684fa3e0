import type { PhoneNumberForms } from '../crm-connector.interface.js';
import { netSuiteAccountHost, netSuiteErrorMessage } from './netsuite-api.client.js';
import {
  callTimes,
  chosenTransaction,
  entityName,
  externalIdFor,
  internalId,
  matchingNumber,
  newEntityInput,
  phoneCallByExternalIdQuery,
  phoneLookupQuery,
  phoneSearchDigits,
  splitName,
  toContactInfo,
  transactionsQuery,
} from './netsuite.mapping.js';

const forms: PhoneNumberForms = {
  raw: '+14155550100',
  e164: '+14155550100',
  national: '(415) 555-0100',
  international: '+1 415 555 0100',
  nationalDigits: '4155550100',
  overriding: [],
  isExtension: false,
};

describe('NetSuite mapping', () => {
  it('takes the account host label from an account id or one of its hosts, and nothing else', () => {
    expect(netSuiteAccountHost('1234567')).toBe('1234567');
    expect(netSuiteAccountHost('1234567_SB1')).toBe('1234567-sb1');
    expect(netSuiteAccountHost('https://1234567-SB1.app.netsuite.com/app/center/card.nl?sc=-29')).toBe('1234567-sb1');
    expect(netSuiteAccountHost('tstdrv123.suitetalk.api.netsuite.com')).toBe('tstdrv123');
    expect(netSuiteAccountHost('1234567.app.netsuite.com.evil.example')).toBeNull();
    expect(netSuiteAccountHost('evil.example')).toBeNull();
    expect(netSuiteAccountHost('a-b-c')).toBeNull();
    expect(netSuiteAccountHost('127.0.0.1')).toBeNull();
    expect(netSuiteAccountHost('')).toBeNull();
    expect(netSuiteAccountHost(undefined)).toBeNull();
  });

  it("reads NetSuite's error details", () => {
    expect(
      netSuiteErrorMessage({ title: 'Bad Request', 'o:errorDetails': [{ detail: 'First.', 'o:errorCode': 'X' }, { detail: 'Second.' }] }),
    ).toBe('First. Second.');
    expect(netSuiteErrorMessage({ error: 'invalid_grant' })).toBe('invalid_grant');
  });

  it('searches phone fields by their digits, with nothing but digits in the query', () => {
    expect(phoneSearchDigits(forms)).toBe('4155550100');
    expect(phoneSearchDigits({ ...forms, nationalDigits: null, e164: null, raw: '12' })).toBeNull();
    const query = phoneLookupQuery('Customer', '4155550100');
    expect(query).toContain("FROM customer WHERE isinactive = 'F'");
    expect(query).toContain("REGEXP_REPLACE(altphone, '[^0-9]', '') LIKE '%4155550100'");
    expect(() => phoneLookupQuery('Contact', "1' OR '1'='1")).toThrow();
  });

  it('accepts a stored number only when it is the whole number, in any notation', () => {
    const row = (phone: string) => ({ id: '1', phone });
    expect(matchingNumber(row('(415) 555-0100'), 'Contact', forms)).toBe('(415) 555-0100');
    expect(matchingNumber(row('+1.415.555.0100'), 'Contact', forms)).toBeDefined();
    expect(matchingNumber(row('011 1 415 555 0100'), 'Contact', forms)).toBeDefined();
    expect(matchingNumber(row('+44 1 415 555 0100'), 'Contact', forms)).toBeUndefined();
    expect(matchingNumber(row('415 555 0109'), 'Contact', forms)).toBeUndefined();
    expect(matchingNumber({ id: '1', altphone: '4155550100' }, 'Contact', forms)).toBeUndefined();
    expect(matchingNumber({ id: '1', altphone: '4155550100' }, 'Customer', forms)).toBe('4155550100');
  });

  it("offers a contact its company's sales orders and a customer its own", () => {
    const transactions = [
      { id: '10', entity: '5', type: 'SalesOrd', trandisplayname: 'Sales Order #1' },
      { id: '11', entity: '6', type: 'Opprtnty', trandisplayname: 'Opportunity #2' },
    ];
    expect(toContactInfo({ id: '1', firstname: 'Jane', lastname: 'Smith', phone: '4155550100', company: '5' }, 'Contact', forms, transactions, '+1')).toMatchObject({
      name: 'Jane Smith',
      additionalInfo: { salesorder: [{ const: '10', title: 'Sales Order #1' }] },
    });
    expect(toContactInfo({ id: '6', companyname: 'Acme', phone: '4155550100' }, 'Customer', forms, transactions, '+1').additionalInfo).toEqual({
      opportunity: [{ const: '11', title: 'Opportunity #2' }],
    });
    expect(transactionsQuery(['5', '5', '6', 'x'])).toContain('entity IN (5, 6)');
  });

  it('names people from their parts, else by title or company', () => {
    expect(entityName({ id: '1', firstname: 'Jane', middlename: null, lastname: 'Smith' })).toBe('Jane Smith');
    expect(entityName({ id: '1', entitytitle: 'Acme Corp' })).toBe('Acme Corp');
    expect(splitName(' Mary  Ann Client ')).toEqual({ firstName: 'Mary', middleName: 'Ann', lastName: 'Client' });
    expect(splitName('Cher')).toEqual({ lastName: 'Cher' });
    expect(newEntityInput('Customer', 'Cher', '+1', '3')).toEqual({ lastName: 'Cher', phone: '+1', isPerson: true, subsidiary: { id: '3' } });
    expect(newEntityInput('Contact', 'A B', '+1', undefined)).toEqual({ firstName: 'A', lastName: 'B', phone: '+1' });
  });

  it('times a call on the user clock, ending at least a minute after it starts', () => {
    expect(callTimes('2026-06-24T23:58:30.000Z', 125, 'Asia/Tokyo')).toEqual({
      startDate: '2026-06-25',
      startTime: '08:58',
      endTime: '09:00',
      completedDate: '2026-06-25',
    });
    expect(callTimes('2026-06-24T10:00:10.000Z', 'pending', 'UTC')).toMatchObject({ startTime: '10:00', endTime: '10:01' });
    expect(callTimes('2026-06-24T23:59:30.000Z', 20, 'UTC')).toMatchObject({ startDate: '2026-06-24', endTime: '00:00', completedDate: '2026-06-25' });
    expect(callTimes(undefined, 10, 'UTC')).toBeUndefined();
  });

  it('reads the chosen transaction and ids, and keeps keys that could not be looked up out of records and queries', () => {
    expect(chosenTransaction({ salesorder: '42', opportunity: '7' })).toEqual({ id: '42' });
    expect(chosenTransaction({ opportunity: 7 })).toEqual({ id: '7' });
    expect(chosenTransaction({ salesorder: 'abc' })).toBeUndefined();
    expect(internalId('0012')).toBeUndefined();
    expect(internalId('12')).toBe('12');
    expect(externalIdFor('b3c1-key:1')).toBe('b3c1-key:1');
    expect(externalIdFor("x'y")).toBeUndefined();
    expect(phoneCallByExternalIdQuery('k-1')).toBe("SELECT id FROM phonecall WHERE externalid = 'k-1'");
    expect(() => phoneCallByExternalIdQuery("x' OR 1=1 --")).toThrow();
  });
});
