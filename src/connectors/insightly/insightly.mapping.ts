import type { ContactInfo, PhoneNumberForms } from '../crm-connector.interface.js';
import type { InsightlyPerson } from './insightly.types.js';

/** Contact types as the extension shows them; each is an Insightly record type of its own. */
export type InsightlyPersonType = 'Contact' | 'Lead';
export const CONTACT_TYPES: readonly InsightlyPersonType[] = ['Contact', 'Lead'];

/** The phone fields Insightly searches on each record type (a lead's mobile is MOBILE). */
export const PHONE_FIELDS: Record<InsightlyPersonType, (keyof InsightlyPerson & string)[]> = {
  Contact: ['PHONE', 'PHONE_MOBILE'],
  Lead: ['PHONE', 'MOBILE'],
};

/** Our mark on an event we wrote: one short trailing line carrying the idempotency key. */
const KEY_LINE = (key: string) => `\n\n[rc-app-connect-key:${key}]`;
const KEY_LINE_PATTERN = /\n*\[rc-app-connect-key:[^\]\s]*\]\s*$/;

/**
 * The texts to search a number by. Insightly matches a phone field against the text as it
 * was typed, so the number is searched in its common written forms, or in the user's own
 * formats (overridingFormat) when they gave some.
 */
export function phoneSearchTerms(forms: PhoneNumberForms): string[] {
  const terms = forms.overriding.length > 0 ? forms.overriding : [forms.e164, forms.national, forms.nationalDigits, forms.international];
  return [...new Set(terms.filter((term): term is string => !!term && term.trim() !== '').map((term) => term.trim()))];
}

/**
 * Whether one of the record's numbers is this number (the search may also match other text):
 * its digits are the number's, with or without the country code or a trunk prefix.
 */
export function phoneMatches(type: InsightlyPersonType, person: InsightlyPerson, forms: PhoneNumberForms): boolean {
  const e164 = digits(forms.e164);
  const national = digits(forms.nationalDigits);
  return PHONE_FIELDS[type].some((field) => {
    const value = digits(person[field] as string | null | undefined);
    return value !== '' && (value === e164 || (national !== '' && value.endsWith(national)));
  });
}

export function personId(type: InsightlyPersonType, person: InsightlyPerson): number | undefined {
  return type === 'Contact' ? person.CONTACT_ID : person.LEAD_ID;
}

export function personName(person: InsightlyPerson): string {
  return [person.FIRST_NAME, person.LAST_NAME].filter((part) => part && part.trim()).join(' ').trim();
}

export function toContactInfo(type: InsightlyPersonType, person: InsightlyPerson, phoneNumber: string): ContactInfo {
  const phone = PHONE_FIELDS[type].map((field) => person[field] as string | null | undefined).find((value) => !!value) ?? phoneNumber;
  const lastActivity = person.LAST_ACTIVITY_DATE_UTC ?? person.DATE_UPDATED_UTC;
  return {
    id: String(personId(type, person)),
    name: personName(person),
    type,
    phone,
    phoneNumber: phone,
    ...(person.TITLE ? { title: person.TITLE } : {}),
    ...(person.EMAIL_ADDRESS ? { email: person.EMAIL_ADDRESS } : {}),
    ...(person.DATE_CREATED_UTC ? { createdDate: fromInsightlyDate(person.DATE_CREATED_UTC) } : {}),
    ...(lastActivity ? { mostRecentActivityDate: fromInsightlyDate(lastActivity) } : {}),
  };
}

/** A new contact's or lead's fields: the last word is the surname, which Insightly requires of a lead. */
export function newPersonInput(name: string, phoneNumber: string): { FIRST_NAME?: string; LAST_NAME: string; PHONE: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const lastName = words.length > 1 ? words.pop()! : (words[0] ?? name.trim());
  const firstName = words.length > 0 && words.join(' ') !== lastName ? words.join(' ') : undefined;
  return { ...(firstName ? { FIRST_NAME: firstName } : {}), LAST_NAME: lastName, PHONE: phoneNumber };
}

/** The event body: the composed text, then our key line. */
export function eventDetails(body: string, idempotencyKey?: string): string {
  return idempotencyKey ? `${body}${KEY_LINE(idempotencyKey)}` : body;
}

/** The event body without our key line, as the user wrote (and sees) it. */
export function readEventDetails(details: string | null | undefined): string {
  return (details ?? '').replace(KEY_LINE_PATTERN, '');
}

export function carriesKey(details: string | null | undefined, key: string): boolean {
  return !!details && details.includes(KEY_LINE(key).trim());
}

/** Insightly's date-time format: "yyyy-MM-dd HH:mm:ss", in UTC. */
export function toInsightlyDate(instant: string | number | Date): string {
  return new Date(instant).toISOString().slice(0, 19).replace('T', ' ');
}

export function fromInsightlyDate(value: string): string {
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(parsed) ? value : new Date(parsed).toISOString();
}

/** Start and end of a call: the start plus its duration (a call still going ends where it starts). */
export function callWindow(startTime: string | undefined, duration: number | 'pending' | undefined): { START_DATE_UTC: string; END_DATE_UTC: string } {
  const start = startTime && !Number.isNaN(Date.parse(startTime)) ? Date.parse(startTime) : Date.now();
  const seconds = typeof duration === 'number' && duration > 0 ? duration : 0;
  return { START_DATE_UTC: toInsightlyDate(start), END_DATE_UTC: toInsightlyDate(start + seconds * 1000) };
}

/** Insightly reports Windows zone names; the common ones as IANA names (others fall back to UTC). */
const WINDOWS_ZONES: Record<string, string> = {
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Eastern Standard Time': 'America/New_York',
  'Atlantic Standard Time': 'America/Halifax',
  'GMT Standard Time': 'Europe/London',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Russian Standard Time': 'Europe/Moscow',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
  UTC: 'UTC',
};

export function ianaZone(windowsName: string | undefined): string | undefined {
  if (!windowsName) return undefined;
  return WINDOWS_ZONES[windowsName] ?? (windowsName.includes('/') ? windowsName : undefined);
}

export function numericId(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

function digits(value: string | null | undefined): string {
  return (value ?? '').replace(/\D/g, '');
}
