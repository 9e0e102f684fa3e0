/**
 * The data shapes the core and connectors exchange (users, contacts, calls, messages). The
 * ground floor: persistence and common helpers use them without depending on connectors.
 */

export type LogFormat = 'text/plain' | 'text/html' | 'text/markdown' | 'custom';

export type AuthType = 'apiKey' | 'oauth';

/** The user as connectors see it. */
export interface ConnectorUser {
  /** `${platform}-${crmUserId}` */
  id: string;
  platform: string;
  crmUserId: string;
  name: string;
  hostname: string | null;
  /** IANA zone (Asia/Tokyo) or fixed offset (+09:00). */
  timezone: string;
  platformAdditionalInfo: Record<string, unknown> | null;
}

/** Decrypted CRM credentials as stored for a user. Never logged, never returned. */
export interface CrmCredentials {
  apiKey?: string;
  accessToken?: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
}

export interface ContactInfo {
  id: string;
  name: string;
  type?: string;
  phone?: string;
  phoneNumber?: string;
  title?: string;
  company?: string;
  email?: string;
  createdDate?: string;
  mostRecentActivityDate?: string;
  /** Contact-dependent choices for manifest fields, keyed by the field's const. */
  additionalInfo?: Record<string, unknown>;
  isNewContact?: boolean;
}

/** One number in every form a CRM might have stored it. */
export interface PhoneNumberForms {
  /** As the client sent it (after '+' repair). */
  raw: string;
  /** +14155550100, or null when the number could not be parsed. */
  e164: string | null;
  /** (415) 555-0100 */
  national: string | null;
  /** +1 415 555 0100 */
  international: string | null;
  /** National significant digits: 4155550100 */
  nationalDigits: string | null;
  /** The client's overridingFormat patterns applied to the number. */
  overriding: string[];
  isExtension: boolean;
}

/** Structured call fields the core keeps; also what the call-log composer renders. */
export interface CallLogRecord {
  sessionId: string;
  telephonySessionId?: string;
  id?: string;
  direction?: 'Inbound' | 'Outbound';
  /** ISO-8601 */
  startTime?: string;
  /** Seconds, or 'pending' while the call is in progress. */
  duration?: number | 'pending';
  result?: string;
  from?: { phoneNumber?: string; name?: string; extensionNumber?: string; [key: string]: unknown };
  to?: { phoneNumber?: string; name?: string; extensionNumber?: string; [key: string]: unknown };
  recording?: { link?: string; [key: string]: unknown };
  legs?: Record<string, unknown>[];
  customSubject?: string;
  [key: string]: unknown;
}

export interface RingCentralMessage {
  id: string | number;
  type: 'SMS' | 'MMS' | 'VoiceMail' | 'Fax' | 'Pager' | 'Text';
  direction?: 'Inbound' | 'Outbound';
  from?: { phoneNumber?: string; name?: string; extensionNumber?: string; [key: string]: unknown };
  to?: { phoneNumber?: string; name?: string; extensionNumber?: string; [key: string]: unknown }[];
  subject?: string;
  creationTime?: string;
  conversationId?: string | number;
  attachments?: { id?: string | number; uri?: string; link?: string; type?: string; contentType?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface MediaLinks {
  recordingLink?: string;
  faxDocLink?: string;
  /** Contains the RingCentral access token: pass through, never store or log. */
  faxDownloadLink?: string;
  imageLink?: string;
  /** Contains the RingCentral access token: pass through, never store or log. */
  imageDownloadLink?: string;
  imageContentType?: string;
  videoLink?: string;
}

export interface SharedSmsLogContent {
  subject: string;
  body: string;
}
