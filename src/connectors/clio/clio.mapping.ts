import { inUserTimezone } from '../../common/timezone.js';
import type { ContactInfo, PhoneNumberForms } from '../crm-connector.interface.js';
import type {
  ClioCommunication,
  ClioContact,
  ClioContactInput,
  ClioMatter,
  ClioParty,
  ClioTimeEntryInput,
} from './clio.types.js';

/** Manifest field consts: the keys of contact.additionalInfo and of additionalSubmission. */
export const MATTERS_FIELD = 'matters';
/** Whether a call also gets a time entry (on unless unticked, as in App Connect's Clio connector). */
export const TIME_ENTRY_FIELD = 'logTimeEntry';
export const NON_BILLABLE_FIELD = 'nonBillable';

/** Name of the external property that carries our idempotency key on a communication. */
export const IDEMPOTENCY_PROPERTY = 'rc_app_connect_key';

export const CONTACT_TYPES = ['Person', 'Company'] as const;
export type ClioContactType = (typeof CONTACT_TYPES)[number];

/** Every distinct form of the number worth a search, most likely first. */
export function phoneSearchTerms(forms: PhoneNumberForms): string[] {
  const candidates = [forms.e164, forms.national, forms.nationalDigits, forms.international, ...forms.overriding];
  if (!forms.e164) candidates.push(forms.raw);
  return [...new Set(candidates.filter((form): form is string => !!form && form.trim().length > 0))];
}

/**
 * Whether one of the contact's stored numbers is this number. Clio's query also matches
 * names and partial numbers, so every hit is checked against the digits we looked for.
 */
export function phoneMatches(contact: ClioContact, forms: PhoneNumberForms): boolean {
  const wanted = new Set(
    [forms.e164, forms.nationalDigits, ...forms.overriding, forms.e164 ? undefined : forms.raw]
      .map((form) => digits(form))
      .filter((form) => form.length > 0),
  );
  return (contact.phone_numbers ?? []).some((phone) => wanted.has(digits(phone.number)));
}

/** A matched contact as App Connect shows it, with its open matters as logging choices. */
export function toContactInfo(contact: ClioContact, matters: ClioMatter[], phoneNumber: string): ContactInfo {
  const stored = contact.phone_numbers?.find((phone) => phone.default_number) ?? contact.phone_numbers?.[0];
  return {
    id: String(contact.id),
    name: contact.name,
    type: contact.type,
    phone: stored?.number ?? phoneNumber,
    phoneNumber: stored?.number ?? phoneNumber,
    ...(contact.primary_email_address ? { email: contact.primary_email_address } : {}),
    ...(contact.created_at ? { createdDate: contact.created_at } : {}),
    ...(contact.updated_at ? { mostRecentActivityDate: contact.updated_at } : {}),
    additionalInfo: { [MATTERS_FIELD]: matterChoices(matters) },
  };
}

/** Open and pending matters, once each, as selection choices. */
export function matterChoices(matters: ClioMatter[]): { const: string; title: string; description?: string }[] {
  const open = matters.filter((matter) => matter.status !== 'Closed');
  return [...new Map(open.map((matter) => [matter.id, matter])).values()].map((matter) => ({
    const: String(matter.id),
    title: matter.display_number,
    ...(matter.description ? { description: matter.description } : {}),
  }));
}

/** The create body for a new contact: a Person is named by first and last name, a Company by name. */
export function newContactInput(name: string, type: string | undefined, phoneNumber: string): ClioContactInput {
  const phone_numbers = [{ name: 'Work', number: phoneNumber, default_number: true }];
  if (type === 'Company') return { type: 'Company', name: name.trim(), phone_numbers };
  const words = name.trim().split(/\s+/);
  const last = words.length > 1 ? words.pop()! : words[0];
  const first = words.length > 0 && words[0] !== last ? words.join(' ') : undefined;
  return { type: 'Person', ...(first ? { first_name: first } : {}), last_name: last, phone_numbers };
}

/** Sender and receiver of a communication: the user calls the contact, or the contact calls the user. */
export function communicationParties(
  direction: string | undefined,
  userId: number,
  contactId: number,
): { senders: ClioParty[]; receivers: ClioParty[] } {
  const user: ClioParty = { id: userId, type: 'User' };
  const contact: ClioParty = { id: contactId, type: 'Contact' };
  return direction === 'Outbound' ? { senders: [user], receivers: [contact] } : { senders: [contact], receivers: [user] };
}

/** The contact party of a communication read back from Clio (its type is then Person or Company). */
export function contactPartyOf(communication: ClioCommunication): ClioParty | undefined {
  return [...(communication.senders ?? []), ...(communication.receivers ?? [])].find((party) => party.type !== 'User');
}

/** The matter chosen in the form, if it is a Clio id. */
export function chosenMatter(additionalSubmission: Record<string, unknown> | undefined): { id: number } | undefined {
  const id = numericId(additionalSubmission?.[MATTERS_FIELD]);
  return id ? { id } : undefined;
}

/** A checkbox of the form: true, false, or the default when it was not sent. */
export function ticked(additionalSubmission: Record<string, unknown> | undefined, field: string, fallback: boolean): boolean {
  const value = additionalSubmission?.[field];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fallback;
}

/**
 * The time entry of a call, or undefined while it has no duration yet (in progress) or
 * lasted nothing: Clio counts quantity in seconds.
 */
export function callTimeEntry(params: {
  duration: number | 'pending' | undefined;
  startTime: string | undefined;
  /** The user's zone: the entry is dated on the user's calendar day. */
  timezone: string;
  note: string;
  additionalSubmission: Record<string, unknown> | undefined;
}): ClioTimeEntryInput | undefined {
  const { duration } = params;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) return undefined;
  const start = toIsoInstant(params.startTime);
  const matter = chosenMatter(params.additionalSubmission);
  return {
    quantity: Math.round(duration),
    note: params.note,
    non_billable: ticked(params.additionalSubmission, NON_BILLABLE_FIELD, false),
    ...(start ? { date: inUserTimezone(start, params.timezone).format('YYYY-MM-DD') } : {}),
    ...(matter ? { matter } : {}),
  };
}

/** ISO-8601 in UTC, or undefined for a missing or unreadable time. */
export function toIsoInstant(value: string | undefined): string | undefined {
  const time = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A Clio numeric id from our string ids, or undefined. */
export function numericId(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

function digits(value: string | null | undefined): string {
  return (value ?? '').replace(/\D/g, '');
}
