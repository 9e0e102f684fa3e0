import type { PhoneNumberForms } from '../crm-connector.interface.js';
import { pipedriveCompanyHost, toPipedriveAuthHeaders } from './pipedrive-api.client.js';
import {
  callActivityTypeKey,
  dealOrLead,
  phoneSearchTerms,
  smsActivityTypeKey,
  toDuration,
  toUtcDue,
} from './pipedrive.mapping.js';

const type = (key_string: string, name: string, active_flag = true) => ({ id: 1, key_string, name, active_flag });

describe('Pipedrive mapping', () => {
  it('searches each distinct number form once, and the raw text when it is not a number', () => {
    const forms: PhoneNumberForms = {
      raw: '+14155550100',
      e164: '+14155550100',
      national: '(415) 555-0100',
      international: '+1 415 555 0100',
      nationalDigits: '4155550100',
      overriding: ['(415) 555-0100', '415-555-0100'],
      isExtension: false,
    };
    expect(phoneSearchTerms(forms)).toEqual([
      '+14155550100',
      '(415) 555-0100',
      '+1 415 555 0100',
      '4155550100',
      '415-555-0100',
    ]);
    expect(
      phoneSearchTerms({ raw: '101', e164: null, national: null, international: null, nationalDigits: null, overriding: [], isExtension: true }),
    ).toEqual(['101']);
  });

  it('picks the active SMS type, else the call type, else "call"', () => {
    expect(smsActivityTypeKey([type('call', 'Call'), type('sms', 'SMS')])).toBe('sms');
    expect(smsActivityTypeKey([type('call', 'Call'), type('text_msg', 'SMS')])).toBe('text_msg');
    expect(smsActivityTypeKey([type('call', 'Call'), type('sms', 'SMS', false)])).toBe('call');
    expect(callActivityTypeKey([type('phone', 'Call')])).toBe('phone');
    expect(callActivityTypeKey([])).toBe('call');
  });

  it('writes due date and time in UTC and durations as HH:MM, a started minute counting', () => {
    expect(toUtcDue('2026-06-24T09:30:00+09:00')).toEqual({ due_date: '2026-06-24', due_time: '00:30' });
    expect(toUtcDue('2026-06-24T00:30:00-02:00')).toEqual({ due_date: '2026-06-24', due_time: '02:30' });
    expect(toUtcDue(undefined)).toEqual({});
    expect(toDuration(0)).toBe('00:00');
    expect(toDuration(20)).toBe('00:01');
    expect(toDuration(3725)).toBe('01:03');
    expect(toDuration('pending')).toBeUndefined();
  });

  it('links the chosen deal, else the chosen lead', () => {
    expect(dealOrLead({ deals: '42', leads: 'abc' })).toEqual({ deal_id: 42 });
    expect(dealOrLead({ deals: '', leads: 'abc' })).toEqual({ lead_id: 'abc' });
    expect(dealOrLead(undefined)).toEqual({});
  });

  it('sends API tokens in x-api-token and OAuth tokens as a Bearer Authorization', () => {
    expect(toPipedriveAuthHeaders('ApiToken abc')).toEqual({ 'x-api-token': 'abc' });
    expect(toPipedriveAuthHeaders('Bearer xyz')).toEqual({ Authorization: 'Bearer xyz' });
  });

  it('only accepts Pipedrive company hosts, so a token never goes to another host', () => {
    expect(pipedriveCompanyHost('https://Acme.pipedrive.com/')).toBe('acme.pipedrive.com');
    expect(pipedriveCompanyHost('acme.pipedrive.com.evil.example')).toBeNull();
    expect(pipedriveCompanyHost('evil.example')).toBeNull();
    expect(pipedriveCompanyHost(null)).toBeNull();
  });
});
