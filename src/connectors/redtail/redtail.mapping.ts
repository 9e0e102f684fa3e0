import type { ContactInfo } from '../crm-connector.interface.js';
import type { UserSettings } from '../../common/user-settings.js';
import type { RedtailCategory, RedtailContact } from './redtail.types.js';

/** Manifest field const (contact-dependent category choice) and the user setting behind its default. */
export const CATEGORY_FIELD = 'category';
export const DEFAULT_CATEGORY_SETTING = 'defaultCategory';

/** Marks an activity as our write without showing anything: an HTML comment carrying the key. */
const KEY_MARKER = (key: string) => `<!-- rc-app-connect-key:${key} -->`;

export function contactName(contact: RedtailContact): string {
  const parts = [contact.first_name, contact.middle_name, contact.last_name].map((part) => (part ?? '').trim()).filter(Boolean);
  return (parts.join(' ') || contact.full_name || '').trim();
}

export function categoryChoices(categories: RedtailCategory[]): { const: string; title: string }[] {
  return categories.filter((category) => !category.deleted).map((category) => ({ const: String(category.id), title: category.name }));
}

export function toContactInfo(contact: RedtailContact, phoneNumber: string, categories: RedtailCategory[]): ContactInfo {
  return {
    id: String(contact.id),
    name: contactName(contact),
    type: 'Contact',
    phone: phoneNumber,
    phoneNumber,
    ...(contact.job_title ? { title: contact.job_title } : {}),
    ...(contact.created_at ? { createdDate: contact.created_at } : {}),
    ...(contact.updated_at ? { mostRecentActivityDate: contact.updated_at } : {}),
    additionalInfo: { [CATEGORY_FIELD]: categoryChoices(categories) },
  };
}

/** A new individual: the last word is the surname (Redtail requires one). */
export function splitName(name: string): { first_name: string; last_name: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const last = words.length > 1 ? words.pop()! : (words[0] ?? name.trim());
  return { first_name: words.length > 0 && words.join(' ') !== last ? words.join(' ') : '', last_name: last };
}

/**
 * The activity's category: the one picked in the form, else the user's (or admin's)
 * default category setting; none when neither names a number.
 */
export function chosenCategory(additionalSubmission: Record<string, unknown> | undefined, settings: UserSettings | undefined): number | undefined {
  return positiveInt(additionalSubmission?.[CATEGORY_FIELD]) ?? positiveInt(settings?.[DEFAULT_CATEGORY_SETTING]?.value);
}

export function activityDescription(body: string, idempotencyKey?: string): string {
  return idempotencyKey ? `${body}${KEY_MARKER(idempotencyKey)}` : body;
}

export function readActivityDescription(description: string | null | undefined): string {
  return (description ?? '').replace(/<!-- rc-app-connect-key:[^>]*-->/g, '');
}

export function carriesKey(description: string | null | undefined, key: string): boolean {
  return !!description && description.includes(KEY_MARKER(key));
}

/** Start and end of a call as ISO-8601 UTC; a call still going ends where it starts. */
export function callWindow(startTime: string | undefined, duration: number | 'pending' | undefined): { start_date: string; end_date: string } {
  const start = startTime && !Number.isNaN(Date.parse(startTime)) ? Date.parse(startTime) : Date.now();
  const seconds = typeof duration === 'number' && duration > 0 ? duration : 0;
  return { start_date: new Date(start).toISOString(), end_date: new Date(start + seconds * 1000).toISOString() };
}

export function positiveInt(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}
