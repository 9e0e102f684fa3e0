import { conversationKey, digestPlacement, messageKey, sharedThreadKey } from './digest-key.js';

const place = (creationTime: string, timezone: string, isGroup = false) =>
  digestPlacement({ conversationId: 555100, contactId: '7', isGroup, creationTime, timezone });

describe('digest keys', () => {
  it('is the conversation plus the UTC day for a UTC user', () => {
    expect(place('2026-06-24T23:59:59.000Z', 'UTC')).toEqual({
      conversationKey: '555100',
      logDate: '2026-06-24',
      digestKey: '555100|2026-06-24',
    });
  });

  it('uses the calendar day in an IANA zone', () => {
    // 15:30Z is 00:30 the next day in Tokyo, 08:30 the same day in Los Angeles (PDT).
    expect(place('2026-06-24T15:30:00.000Z', 'Asia/Tokyo').logDate).toBe('2026-06-25');
    expect(place('2026-06-24T15:30:00.000Z', 'America/Los_Angeles').logDate).toBe('2026-06-24');
    expect(place('2026-06-24T03:00:00.000Z', 'America/Los_Angeles').logDate).toBe('2026-06-23');
  });

  it('uses the calendar day for a fixed offset', () => {
    expect(place('2026-06-24T20:00:00.000Z', '+05:30').logDate).toBe('2026-06-25');
    expect(place('2026-06-24T02:00:00.000Z', '-03:00').logDate).toBe('2026-06-23');
  });

  it('splits messages either side of local midnight into two digests', () => {
    const before = place('2026-10-01T14:59:59.000Z', 'Asia/Tokyo');
    const after = place('2026-10-01T15:00:00.000Z', 'Asia/Tokyo');
    expect(before.digestKey).toBe('555100|2026-10-01');
    expect(after.digestKey).toBe('555100|2026-10-02');
  });

  it('follows daylight saving changes of the zone', () => {
    // New York moves to UTC-4 at 07:00Z on 2026-03-08: 04:30Z on the 9th is 00:30 there,
    // which a fixed UTC-5 would put on the 8th.
    expect(place('2026-03-08T04:30:00.000Z', 'America/New_York').logDate).toBe('2026-03-07');
    expect(place('2026-03-09T03:30:00.000Z', 'America/New_York').logDate).toBe('2026-03-08');
    expect(place('2026-03-09T04:30:00.000Z', 'America/New_York').logDate).toBe('2026-03-09');
  });

  it('appends the contact id to conversation and message ids of a group SMS only', () => {
    expect(place('2026-06-24T10:00:00.000Z', 'UTC', true).digestKey).toBe('555100-7|2026-06-24');
    expect(conversationKey(555100, '7', true)).toBe('555100-7');
    expect(conversationKey(555100, '7', false)).toBe('555100');
    expect(messageKey(60279564004, '7', true)).toBe('60279564004-7');
    expect(messageKey('60279564004', '7', false)).toBe('60279564004');
  });

  it('keys a shared thread by its conversationLogId, whatever the day', () => {
    expect(sharedThreadKey('thread-42')).toBe('shared|thread-42');
  });
});
