import type { LogFormat } from '../../connectors/crm-connector.interface.js';
import { inUserTimezone } from '../../common/timezone.js';
import type { UserSettings } from '../../common/user-settings.js';
import { type LogBlock, renderLogDocument } from './log-document.js';
import { type CallLogOptions, resolveLogOptions } from './log-settings.js';

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
  /** RingCentral call session id. */
  sessionId?: string;
  /** The user's side of the call, as RingCentral names it. */
  ringCentralUserName?: string;
  ringCentralNumber?: string;
  ringCentralExtension?: string;
  ringSenseTranscript?: string;
  ringSenseSummary?: string;
  /** Connector-defined scores, e.g. { overall: 87 }. */
  ringSenseAIScore?: Record<string, unknown>;
  ringSenseBulletedSummary?: string;
  ringSenseLink?: string;
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

/** { overall: 87, empathy: 4 } -> "overall: 87, empathy: 4"; nested values as JSON. */
function scoreLine(score: Record<string, unknown>): string {
  return Object.entries(score)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

/** The body as blocks, in the order App Connect's own composer writes them; each block only when its setting allows. */
export function callLogBlocks(facts: CallLogFacts, timezone: string, options: CallLogOptions): LogBlock[] {
  const blocks: LogBlock[] = [];
  if (facts.note && options.note) blocks.push({ kind: 'text', label: 'Agent notes', text: facts.note });
  blocks.push({ kind: 'heading', text: 'Call details' });
  if (facts.sessionId && options.sessionId) blocks.push({ kind: 'field', label: 'Session ID', value: facts.sessionId });
  if (facts.ringCentralUserName && options.ringCentralUserName) {
    blocks.push({ kind: 'field', label: 'RingCentral user', value: facts.ringCentralUserName });
  }
  if ((facts.ringCentralNumber || facts.ringCentralExtension) && options.ringCentralNumber) {
    const ext = facts.ringCentralExtension && `ext. ${facts.ringCentralExtension}`;
    const value = facts.ringCentralNumber ? [facts.ringCentralNumber, ext && `(${ext})`] : [ext];
    blocks.push({ kind: 'field', label: 'RingCentral number', value: value.filter(Boolean).join(' ') });
  }
  if (options.subject) blocks.push({ kind: 'field', label: 'Summary', value: facts.subject });
  const number = options.contactNumber ? facts.contactNumber : undefined;
  if (facts.contactName || number) {
    const contact = [facts.contactName, number && (facts.contactName ? `(${number})` : number)].filter(Boolean).join(' ');
    blocks.push({ kind: 'field', label: 'Contact', value: contact });
  }
  const start = toIsoInstant(facts.startTime);
  if (start && options.dateTime) {
    blocks.push({ kind: 'field', label: 'Date/Time', value: inUserTimezone(start, timezone).format(options.dateFormat) });
  }
  if (facts.duration !== undefined && options.duration) {
    blocks.push({ kind: 'field', label: 'Duration', value: humanDuration(facts.duration) });
  }
  if (facts.result && options.result) blocks.push({ kind: 'field', label: 'Result', value: facts.result });
  if (options.recording) {
    if (facts.recordingLink) blocks.push({ kind: 'link', label: 'Call recording', url: facts.recordingLink });
    if (facts.voicemailLink) blocks.push({ kind: 'link', label: 'Voicemail', url: facts.voicemailLink });
  }
  if (facts.aiNote && options.aiNote) blocks.push({ kind: 'text', label: 'AI note', text: facts.aiNote });
  if (facts.transcript && options.transcript) blocks.push({ kind: 'text', label: 'Transcript', text: facts.transcript });
  if (facts.ringSenseTranscript && options.ringSenseTranscript) {
    blocks.push({ kind: 'text', label: 'RingSense transcript', text: facts.ringSenseTranscript });
  }
  if (facts.ringSenseSummary && options.ringSenseSummary) {
    blocks.push({ kind: 'text', label: 'RingSense summary', text: facts.ringSenseSummary });
  }
  const score = facts.ringSenseAIScore ? scoreLine(facts.ringSenseAIScore) : '';
  if (score && options.ringSenseAIScore) blocks.push({ kind: 'field', label: 'Call score', value: score });
  if (facts.ringSenseBulletedSummary && options.ringSenseBulletedSummary) {
    blocks.push({ kind: 'text', label: 'RingSense bulleted summary', text: facts.ringSenseBulletedSummary });
  }
  if (facts.ringSenseLink && options.ringSenseLink) {
    blocks.push({ kind: 'link', label: 'RingSense recording', url: facts.ringSenseLink });
  }
  if (facts.legs?.length && options.legs) {
    blocks.push({ kind: 'list', label: 'Call journey', items: facts.legs.map(legLine) });
  }
  return blocks;
}

/**
 * The complete body in the connector's format. 'custom' connectors compose their own
 * body from the structured fields, so they get an empty string, as App Connect does.
 */
export function composeCallLog(facts: CallLogFacts, format: LogFormat, timezone: string, settings: UserSettings = {}): string {
  if (format === 'custom') return '';
  return renderLogDocument(callLogBlocks(facts, timezone, resolveLogOptions(settings).callLog), format);
}
