import type { LogFormat } from '../../connectors/crm-connector.interface.js';
import { inUserTimezone } from '../../common/timezone.js';
import { type LogBlock, renderLogDocument } from './log-document.js';

interface Party {
  phoneNumber?: string;
  extensionNumber?: string;
  name?: string;
}

interface Leg {
  direction?: string;
  action?: string;
  result?: string;
  duration?: number;
  from?: Party;
  to?: Party;
}

/** The structured facts a call-log body is rendered from; kept in our database for re-rendering. */
export interface CallLogFacts {
  subject: string;
  direction?: 'Inbound' | 'Outbound';
  /** ISO-8601 or epoch milliseconds. */
  startTime?: string | number;
  /** Seconds, or 'pending' while the call is in progress. */
  duration?: number | 'pending';
  result?: string;
  contactName?: string;
  /** The other party's number. */
  contactNumber?: string;
  note?: string;
  recordingLink?: string;
  voicemailLink?: string;
  aiNote?: string;
  transcript?: string;
  legs?: Leg[];
}

/** "Outbound call to Jane Smith": what App Connect shows when the client sends no customSubject. */
export function defaultCallSubject(direction: 'Inbound' | 'Outbound' | undefined, counterpart: string): string {
  if (direction === 'Outbound') return `Outbound call to ${counterpart}`;
  if (direction === 'Inbound') return `Inbound call from ${counterpart}`;
  return `Call with ${counterpart}`;
}

/** Epoch milliseconds or ISO-8601 to ISO-8601 (UTC); undefined when the value is not an instant. */
export function toIsoInstant(value: string | number | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** 3725 -> "1 hour 2 minutes 5 seconds"; 0 -> "0 seconds". */
export function humanDuration(duration: number | 'pending'): string {
  if (duration === 'pending') return 'In progress';
  const total = Math.max(0, Math.round(duration));
  const parts: [number, string][] = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const words = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return words.length > 0 ? words.join(' ') : '0 seconds';
}

const partyLabel = (party?: Party): string =>
  party?.name || party?.phoneNumber || (party?.extensionNumber ? `ext. ${party.extensionNumber}` : 'unknown');

function legLine(leg: Leg): string {
  const head = [leg.direction, leg.action].filter(Boolean).join(' ');
  const route = `${partyLabel(leg.from)} -> ${partyLabel(leg.to)}`;
  const tail = [leg.result, leg.duration !== undefined ? humanDuration(leg.duration) : undefined].filter(Boolean);
  return `${head ? `${head}: ` : ''}${route}${tail.length ? ` (${tail.join(', ')})` : ''}`;
}

/** The body as blocks, in the order App Connect's own composer writes them. */
export function callLogBlocks(facts: CallLogFacts, timezone: string): LogBlock[] {
  const blocks: LogBlock[] = [];
  if (facts.note) blocks.push({ kind: 'text', label: 'Agent notes', text: facts.note });
  blocks.push({ kind: 'heading', text: 'Call details' });
  blocks.push({ kind: 'field', label: 'Summary', value: facts.subject });
  if (facts.contactName || facts.contactNumber) {
    const contact = [facts.contactName, facts.contactNumber && `(${facts.contactNumber})`].filter(Boolean).join(' ');
    blocks.push({ kind: 'field', label: 'Contact', value: contact });
  }
  const start = toIsoInstant(facts.startTime);
  if (start) {
    blocks.push({ kind: 'field', label: 'Date/Time', value: inUserTimezone(start, timezone).format('YYYY-MM-DD HH:mm:ss Z') });
  }
  if (facts.duration !== undefined) blocks.push({ kind: 'field', label: 'Duration', value: humanDuration(facts.duration) });
  if (facts.result) blocks.push({ kind: 'field', label: 'Result', value: facts.result });
  if (facts.recordingLink) blocks.push({ kind: 'link', label: 'Call recording', url: facts.recordingLink });
  if (facts.voicemailLink) blocks.push({ kind: 'link', label: 'Voicemail', url: facts.voicemailLink });
  if (facts.aiNote) blocks.push({ kind: 'text', label: 'AI note', text: facts.aiNote });
  if (facts.transcript) blocks.push({ kind: 'text', label: 'Transcript', text: facts.transcript });
  if (facts.legs?.length) blocks.push({ kind: 'list', label: 'Call journey', items: facts.legs.map(legLine) });
  return blocks;
}

/**
 * The complete body in the connector's format. 'custom' connectors compose their own
 * body from the structured fields, so they get an empty string, as App Connect does.
 */
export function composeCallLog(facts: CallLogFacts, format: LogFormat, timezone: string): string {
  return format === 'custom' ? '' : renderLogDocument(callLogBlocks(facts, timezone), format);
}
