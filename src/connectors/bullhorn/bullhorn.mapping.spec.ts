import type { PhoneNumberForms } from '../crm-connector.interface.js';
import { carriesKey, newPersonInput, noteAction, noteComments, phoneMatches, phoneQuery, readNoteComments } from './bullhorn.mapping.js';

const forms: PhoneNumberForms = {
  raw: '+14155550100',
  e164: '+14155550100',
  national: '(415) 555-0100',
  international: '+1 415 555 0100',
  nationalDigits: '4155550100',
  overriding: [],
  isExtension: false,
};

describe('Bullhorn mapping', () => {
  it('queries every phone field of the entity by the national digits, leaving deleted records out', () => {
    expect(phoneQuery('ClientContact', forms)).toBe(
      '(phone:4155550100 OR mobile:4155550100 OR phone2:4155550100 OR phone3:4155550100) AND isDeleted:false',
    );
    expect(phoneQuery('Candidate', forms)).toContain('workPhone:4155550100');
  });

  it('accepts a person only when one of its numbers is the number', () => {
    expect(phoneMatches('Candidate', { id: 1, mobile: '(415) 555-0100' }, forms)).toBe(true);
    expect(phoneMatches('Candidate', { id: 1, workPhone: '+1 415 555 0100' }, forms)).toBe(true);
    expect(phoneMatches('Candidate', { id: 1, phone: '+44 4155550100' }, forms)).toBe(false);
    // ClientContact has no workPhone field: a stray value there is not a match.
    expect(phoneMatches('ClientContact', { id: 1, workPhone: '4155550100' }, forms)).toBe(false);
  });

  it('picks the chosen action, else the preferred one, else the first', () => {
    const actions = ['Email', 'Call', 'SMS'];
    expect(noteAction({ noteActions: 'SMS' }, actions, 'Call')).toBe('SMS');
    expect(noteAction({ noteActions: 'Gone' }, actions, 'call')).toBe('Call');
    expect(noteAction(undefined, ['Email'], 'Call')).toBe('Email');
    expect(noteAction(undefined, [], 'Call')).toBeUndefined();
  });

  it('writes and reads back subject, body and the hidden key', () => {
    const comments = noteComments('Call with <Ann> & co', '<p>body</p>', 'k-1');
    expect(comments).toBe('<b>Call with &lt;Ann&gt; &amp; co</b><br><p>body</p><!-- rc-app-connect-key:k-1 -->');
    expect(readNoteComments(comments)).toEqual({ subject: 'Call with <Ann> & co', body: '<p>body</p>' });
    expect(carriesKey(comments, 'k-1')).toBe(true);
    expect(carriesKey(comments, 'k-10')).toBe(false);
    expect(readNoteComments('<p>written in Bullhorn</p>')).toEqual({ body: '<p>written in Bullhorn</p>' });
  });

  it('splits a new person name', () => {
    expect(newPersonInput('Ana María López', '+1')).toEqual({ firstName: 'Ana María', lastName: 'López', name: 'Ana María López', phone: '+1' });
    expect(newPersonInput('Madonna', '+1')).toEqual({ lastName: 'Madonna', name: 'Madonna', phone: '+1' });
  });
});
