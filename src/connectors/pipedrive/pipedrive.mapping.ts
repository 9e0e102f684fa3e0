import type { ContactInfo, PhoneNumberForms } from '../crm-connector.interface.js';
import type {
  PipedriveActivityInput,
  PipedriveActivityType,
  PipedriveDeal,
  PipedriveLead,
  PipedrivePersonSearchItem,
} from './pipedrive.types.js';

/** Manifest field consts: the keys of contact.additionalInfo and of additionalSubmission. */
export const DEALS_FIELD = 'deals';
export const LEADS_FIELD = 'leads';

/** Pipedrive's built-in call type; present in every account unless an admin removed it. */
const CALL_TYPE_KEY = 'call';

/** Every distinct form of the number worth an exact-match search, most likely first. */
export function phoneSearchTerms(forms: PhoneNumberForms): string[] {
  const candidates = [forms.e164, forms.national, forms.international, forms.nationalDigits, ...forms.overriding];
  if (!forms.e164) candidates.push(forms.raw);
  return [...new Set(candidates.filter((form): form is string => !!form && form.trim().length > 0))];
}

/** A matched person as App Connect shows it, with deals and leads as logging choices. */
export function toContactInfo(
  person: PipedrivePersonSearchItem,
  deals: PipedriveDeal[],
  leads: PipedriveLead[],
  phoneNumber: string,
): ContactInfo {
  return {
    id: String(person.id),
    name: person.name,
    type: 'Contact',
    phone: person.phones?.[0] ?? phoneNumber,
    phoneNumber: person.phones?.[0] ?? phoneNumber,
    ...(person.organization?.name ? { company: person.organization.name } : {}),
    ...(person.emails?.[0] ? { email: person.emails[0] } : {}),
    ...(person.update_time ? { mostRecentActivityDate: person.update_time } : {}),
    additionalInfo: {
      [DEALS_FIELD]: deals.map((deal) => ({ const: String(deal.id), title: deal.title })),
      [LEADS_FIELD]: leads.filter((lead) => !lead.is_archived).map((lead) => ({ const: lead.id, title: lead.title })),
    },
  };
}

/** The key of the account's active SMS type, else its call type. */
export function smsActivityTypeKey(types: PipedriveActivityType[]): string {
  const active = types.filter((type) => type.active_flag);
  const sms = active.find((type) => type.key_string.toLowerCase() === 'sms' || type.name.trim().toLowerCase() === 'sms');
  return sms?.key_string ?? callActivityTypeKey(types);
}

/** The key of the account's active call type; 'call' when an admin renamed or removed it. */
export function callActivityTypeKey(types: PipedriveActivityType[]): string {
  const active = types.filter((type) => type.active_flag);
  const call =
    active.find((type) => type.key_string === CALL_TYPE_KEY) ??
    active.find((type) => type.name.trim().toLowerCase() === CALL_TYPE_KEY);
  return call?.key_string ?? CALL_TYPE_KEY;
}

/** Pipedrive wants due_date (YYYY-MM-DD) and due_time (HH:MM) in UTC. */
export function toUtcDue(iso: string | undefined): Pick<PipedriveActivityInput, 'due_date' | 'due_time'> {
  const time = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(time)) return {};
  const utc = new Date(time).toISOString();
  return { due_date: utc.slice(0, 10), due_time: utc.slice(11, 16) };
}

/** Seconds to Pipedrive's HH:MM duration; a started minute counts, so a 20 s call is 00:01. */
export function toDuration(seconds: number | 'pending' | undefined): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
  const minutes = Math.ceil(seconds / 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Deal or lead chosen in the form. A deal wins: Pipedrive links an activity to one
 * of them, and a deal already carries its lead's history.
 */
export function dealOrLead(
  additionalSubmission: Record<string, unknown> | undefined,
): Pick<PipedriveActivityInput, 'deal_id' | 'lead_id'> {
  const deal = Number(additionalSubmission?.[DEALS_FIELD]);
  if (Number.isInteger(deal) && deal > 0) return { deal_id: deal };
  const lead = additionalSubmission?.[LEADS_FIELD];
  if (typeof lead === 'string' && lead.trim()) return { lead_id: lead.trim() };
  return {};
}

/** A Pipedrive numeric id from our string ids, or undefined. */
export function numericId(value: unknown): number | undefined {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}
