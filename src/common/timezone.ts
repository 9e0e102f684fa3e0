import moment from 'moment-timezone';

const OFFSET = /^[+-](0\d|1[0-4]):?[0-5]\d$/;
const ZONED_INSTANT = /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:?\d\d)$/i;

/** True for an IANA zone name (Asia/Tokyo) or a fixed offset (+09:00). */
export function isValidTimezone(value: string): boolean {
  return OFFSET.test(value) || moment.tz.zone(value) !== null;
}

/** The instant as a moment in the user's timezone (zone name or fixed offset). */
export function inUserTimezone(instant: string | number | Date, timezone: string): moment.Moment {
  // moment's string parser tries format after format; Date.parse reads a zoned
  // ISO-8601 instant directly (unzoned text stays with moment, which reads it as UTC).
  const zoned = typeof instant === 'string' && ZONED_INSTANT.test(instant);
  const at = moment.utc(zoned ? Date.parse(instant) : instant);
  return OFFSET.test(timezone) ? at.utcOffset(timezone) : at.tz(moment.tz.zone(timezone) ? timezone : 'UTC');
}

/** Normalises what CRMs report (zone name, "+09:00", minutes) into one stored string. */
export function normaliseTimezone(name?: string, offset?: string | number): string {
  if (name && moment.tz.zone(name)) return name;
  if (typeof offset === 'number' && Number.isFinite(offset)) {
    return moment.utc().utcOffset(offset).format('Z');
  }
  if (typeof offset === 'string' && OFFSET.test(offset)) return moment.utc().utcOffset(offset).format('Z');
  return 'UTC';
}
