import { inUserTimezone } from '../../common/timezone.js';
import type { LogFormat } from '../../connectors/crm-connector.interface.js';
import { type LogBlock, renderLogDocument } from './log-document.js';
import { DEFAULT_ENTRY_TIME_FORMAT, type MessageLogOptions } from './log-settings.js';

export interface DigestLink {
  label: string;
  /** A view link; never one carrying an access token. */
  url: string;
}

/** One message as a digest keeps it (stored in message_digests.entries). */
export interface DigestEntry {
  /** Our message key (RingCentral id, + `-<contactId>` for group SMS). */
  messageId: string;
  type: string;
  direction: 'Inbound' | 'Outbound' | null;
  sender: string;
  /** ISO-8601 instant. */
  time: string;
  /**
   * The time as written when the entry was first added, in the user's format of that
   * moment. Kept with the entry so a later change of the date format (or timezone)
   * never rewrites what a digest already showed; absent on entries stored before
   * stamps existed, which keep the default they were first written with.
   */
  stamp?: string;
  text: string;
  links: DigestLink[];
}

export interface MessageDigestInput {
  entries: DigestEntry[];
  contactName: string;
  /** Everyone in the conversation, the user first. */
  participants: string[];
  isGroup: boolean;
  /** YYYY-MM-DD in the user's timezone. */
  logDate: string;
  /** IANA zone or ±HH:MM. */
  timezone: string;
}

export interface ComposedLog {
  subject: string;
  /** Empty for connectors with a 'custom' log format: they build their own body. */
  body: string;
}

const TYPE_LABELS: Record<string, string> = { VoiceMail: 'Voicemail', Fax: 'Fax', MMS: 'MMS' };

/** The whole daily digest, rendered from every entry it holds, oldest first. */
export function composeMessageDigest(input: MessageDigestInput, format: LogFormat): ComposedLog {
  const subject = digestSubject(input);
  if (format === 'custom') return { subject, body: '' };
  const entries = sortByTime(input.entries);
  const blocks: LogBlock[] = [
    { kind: 'heading', text: subject },
    { kind: 'field', label: 'Conversation summary', value: inUserTimezone(`${input.logDate}T12:00:00Z`, 'UTC').format('dddd, MMMM DD, YYYY') },
    { kind: 'list', label: 'Participants', items: input.participants },
    { kind: 'field', label: 'Messages', value: String(entries.length) },
    { kind: 'separator' },
    ...entries.flatMap((entry) => entryBlocks(entry, input.timezone)),
  ];
  return { subject, body: renderLogDocument(blocks, format) };
}

/** How an entry's time reads when it is first added to a digest or shared thread. */
export function entryStamp(time: string, timezone: string, options: MessageLogOptions): string {
  return inUserTimezone(time, timezone).format(options.entryTimeFormat);
}

export function entryBlocks(entry: DigestEntry, timezone: string, prefix = ''): LogBlock[] {
  const time = entry.stamp ?? inUserTimezone(entry.time, timezone).format(DEFAULT_ENTRY_TIME_FORMAT);
  const typeLabel = TYPE_LABELS[entry.type];
  const label = [`${prefix}${entry.sender}`, time, typeLabel].filter(Boolean).join(' · ');
  return [
    { kind: 'text', label, text: entry.text || (typeLabel ? `(${typeLabel.toLowerCase()})` : '(no text)') },
    ...entry.links.map((link): LogBlock => ({ kind: 'link', label: link.label, url: link.url })),
  ];
}

export function sortByTime<T extends { time: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

function digestSubject({ entries, contactName, isGroup, logDate }: MessageDigestInput): string {
  const types = new Set(entries.map((entry) => entry.type));
  if (types.size === 1 && types.has('VoiceMail')) return `Voicemail from ${contactName} - ${logDate}`;
  if (types.size === 1 && types.has('Fax')) {
    const outbound = entries.every((entry) => entry.direction === 'Outbound');
    return `Fax ${outbound ? 'sent to' : 'exchanged with'} ${contactName} - ${logDate}`;
  }
  return `${isGroup ? 'Group SMS' : 'SMS'} conversation with ${contactName} - ${logDate}`;
}
