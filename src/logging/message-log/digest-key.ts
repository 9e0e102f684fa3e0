import { inUserTimezone } from '../../common/timezone.js';

/**
 * Keys that decide de-duplication and grouping. Group SMS (more than one
 * correspondent) carries the contact id in its conversation and message keys, so
 * the same group conversation can be logged once against each of several contacts.
 */
export interface DigestPlacement {
  /** Conversation id (+ `-<contactId>` for group SMS). */
  conversationKey: string;
  /** Calendar day of the message in the user's timezone, YYYY-MM-DD. */
  logDate: string;
  /** conversationKey + day: one CRM activity per key. */
  digestKey: string;
}

export function messageKey(messageId: string | number, contactId: string, isGroup: boolean): string {
  return isGroup ? `${messageId}-${contactId}` : String(messageId);
}

export function conversationKey(conversationId: string | number, contactId: string, isGroup: boolean): string {
  return isGroup ? `${conversationId}-${contactId}` : String(conversationId);
}

export function digestPlacement(params: {
  conversationId: string | number;
  contactId: string;
  isGroup: boolean;
  /** ISO-8601 instant of the message. */
  creationTime: string;
  /** IANA zone or ±HH:MM. */
  timezone: string;
}): DigestPlacement {
  const conversation = conversationKey(params.conversationId, params.contactId, params.isGroup);
  const logDate = inUserTimezone(params.creationTime, params.timezone).format('YYYY-MM-DD');
  return { conversationKey: conversation, logDate, digestKey: `${conversation}|${logDate}` };
}

/** A shared SMS thread is one activity for its whole life, keyed by the client's conversationLogId. */
export function sharedThreadKey(conversationLogId: string): string {
  return `shared|${conversationLogId}`;
}
