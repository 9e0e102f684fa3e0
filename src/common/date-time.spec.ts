import { isCalendarDateTime } from './date-time.js';

describe('isCalendarDateTime', () => {
  it('accepts RFC 3339 date-times on real days', () => {
    for (const value of [
      '2026-06-24T02:30:00.000Z',
      '2026-06-24T02:30:00Z',
      '2026-06-24T02:30Z',
      '2024-02-29T23:59:59.123456+09:00',
      '2026-12-31t00:00:00-05:30',
    ]) {
      expect(isCalendarDateTime(value)).toBe(true);
    }
  });

  it('refuses impossible days and times, missing offsets and other forms', () => {
    for (const value of [
      '2026-02-30T10:00:00Z',
      '2025-02-29T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-00-10T10:00:00Z',
      '2026-06-24T24:00:00Z',
      '2026-06-24T12:60:00Z',
      '2026-06-24T12:00:61Z',
      '2026-06-24T12:00:00+25:00',
      '2026-06-24T12:00:00',
      '2026-06-24',
      '1782268200000',
      'yesterday',
      '',
    ]) {
      expect(isCalendarDateTime(value)).toBe(false);
    }
  });
});
