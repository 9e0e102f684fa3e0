import type { ContactInfo, PhoneNumberForms } from '../crm-connector.interface.js';
import type { BullhornPerson, BullhornPersonEntity, BullhornPersonInput } from './bullhorn.types.js';

/** Manifest field const: the key of contact.additionalInfo and of additionalSubmission. */
export const NOTE_ACTION_FIELD = 'noteActions';

/** Contact types as the extension shows them, and the Bullhorn entity behind each. */
export const CONTACT_TYPES: Record<string, BullhornPersonEntity> = {
  Candidate: 'Candidate',
  Contact: 'ClientContact',
  Lead: 'Lead',
};
export const ENTITY_CONTACT_TYPE: Record<BullhornPersonEntity, string> = {
  Candidate: 'Candidate',
  ClientContact: 'Contact',
  Lead: 'Lead',
};

/** The phone fields each person entity has. */
export const PHONE_FIELDS: Record<BullhornPersonEntity, (keyof BullhornPerson)[]> = {
  ClientContact: ['phone', 'mobile', 'phone2', 'phone3'],
  Candidate: ['phone', 'mobile', 'phone2', 'phone3', 'workPhone'],
  Lead: ['phone', 'mobile', 'phone2', 'phone3', 'workPhone'],
};

/** Marks a note as our write without showing anything: an HTML comment carrying the key. */
const KEY_MARKER = (key: string) => `<!-- rc-app-connect-key:${key} -->`;

/**
 * The Lucene query for a number on one entity: Bullhorn indexes phone fields by their
 * digits, so the national digits find the number however it was typed.
 */
export function phoneQuery(entity: BullhornPersonEntity, forms: PhoneNumberForms): string | undefined {
  const digits = forms.nationalDigits ?? onlyDigits(forms.raw);
  if (!digits) return undefined;
  const fields = PHONE_FIELDS[entity].map((field) => `${field}:${digits}`).join(' OR ');
  return `(${fields}) AND isDeleted:false`;
}

/** Whether one of the person's numbers is this number (the index also matches longer numbers). */
export function phoneMatches(entity: BullhornPersonEntity, person: BullhornPerson, forms: PhoneNumberForms): boolean {
  const wanted = new Set([onlyDigits(forms.e164), onlyDigits(forms.nationalDigits), onlyDigits(forms.raw)].filter(Boolean));
  return PHONE_FIELDS[entity].some((field) => {
    const value = person[field];
    return typeof value === 'string' && wanted.has(onlyDigits(value));
  });
}

export function toContactInfo(
  entity: BullhornPersonEntity,
  person: BullhornPerson,
  noteActions: string[],
  phoneNumber: string,
): ContactInfo {
  const name = person.name ?? [person.firstName, person.lastName].filter(Boolean).join(' ');
  return {
    id: String(person.id),
    name,
    type: ENTITY_CONTACT_TYPE[entity],
    phone: person.phone ?? phoneNumber,
    phoneNumber: person.phone ?? phoneNumber,
    ...(person.email ? { email: person.email } : {}),
    ...(person.dateAdded ? { createdDate: new Date(person.dateAdded).toISOString() } : {}),
    ...(person.dateLastModified ? { mostRecentActivityDate: new Date(person.dateLastModified).toISOString() } : {}),
    additionalInfo: { [NOTE_ACTION_FIELD]: noteActions.map((action) => ({ const: action, title: action })) },
  };
}

export function newPersonInput(name: string, phoneNumber: string): BullhornPersonInput {
  const words = name.trim().split(/\s+/);
  const lastName = words.length > 1 ? words.pop()! : words[0];
  const firstName = words.length > 0 && words[0] !== lastName ? words.join(' ') : undefined;
  return { ...(firstName ? { firstName } : {}), lastName, name: name.trim(), phone: phoneNumber };
}

/**
 * The note action: the one chosen in the form when the account has it, else the given
 * preference (Call, SMS) when the account has that, else the account's first action.
 */
export function noteAction(
  additionalSubmission: Record<string, unknown> | undefined,
  actions: string[],
  preferred: string,
): string | undefined {
  const chosen = additionalSubmission?.[NOTE_ACTION_FIELD];
  if (typeof chosen === 'string' && actions.includes(chosen)) return chosen;
  return actions.find((action) => action.toLowerCase() === preferred.toLowerCase()) ?? actions[0];
}

/** The note's HTML: the subject as a bold first line, the body, and the invisible key. */
export function noteComments(subject: string, body: string, idempotencyKey?: string): string {
  return `<b>${escapeHtml(subject)}</b><br>${body}${idempotencyKey ? KEY_MARKER(idempotencyKey) : ''}`;
}

/** Subject and body back out of a note written by noteComments. */
export function readNoteComments(comments: string): { subject?: string; body: string } {
  const withoutKey = comments.replace(/<!-- rc-app-connect-key:[^>]*-->/g, '');
  const match = withoutKey.match(/^<b>([\s\S]*?)<\/b><br>([\s\S]*)$/);
  if (!match) return { body: withoutKey };
  return { subject: unescapeHtml(match[1]), body: match[2] };
}

export function carriesKey(comments: string | undefined, key: string): boolean {
  return !!comments && comments.includes(KEY_MARKER(key));
}

export function numericId(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

function onlyDigits(value: string | null | undefined): string {
  return (value ?? '').replace(/\D/g, '');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
