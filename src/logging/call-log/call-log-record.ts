import type { CallLogRecord, LogFormat } from '../../connectors/crm-connector.interface.js';
import type { UserSettings } from '../../common/user-settings.js';
import { type CallLogFacts, composeCallLog } from '../compose/call-log.composer.js';
import type { CallLogContentDto } from './dto/call-log-content.dto.js';

/*
 * What we keep of a logged call and how a PATCH changes it: pure functions shared by the
 * service (which answers the request) and the write handlers (which merge the changes
 * onto what is recorded when the write reaches the CRM, one write of a call at a time).
 */

export type Party = NonNullable<CallLogRecord['from']>;

/** What we keep per logged session, so an update re-renders the whole body instead of editing CRM text. */
export interface StoredCallLog {
  callLog: CallLogRecord;
  subject: string;
  note?: string;
  aiNote?: string;
  transcript?: string;
  additionalSubmission?: Record<string, unknown>;
  contactName?: string;
  contactType?: string;
  /** What RingSense sent for the call, so a later re-render can still show (or hide) it. */
  ringSense?: RingSenseFields;
}

const RING_SENSE_FIELDS = [
  'ringSenseTranscript',
  'ringSenseSummary',
  'ringSenseAIScore',
  'ringSenseBulletedSummary',
  'ringSenseLink',
] as const;

export type RingSenseFields = Pick<CallLogContentDto, (typeof RING_SENSE_FIELDS)[number]>;

export const ringSenseOf = (dto: RingSenseFields): RingSenseFields =>
  sent(Object.fromEntries(RING_SENSE_FIELDS.map((field) => [field, dto[field]])));

/** The other party: the callee of an outbound call, the caller of an inbound one. */
export function otherParty(callLog: CallLogRecord): Party | undefined {
  return callLog.direction === 'Outbound' ? callLog.to : callLog.from;
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function partyNumber(party: Party | undefined): string | undefined {
  return str(party?.phoneNumber) ?? str(party?.extensionNumber);
}

/** Only the fields the composer reads, typed; RingCentral may send anything in a leg. */
function toLeg(raw: Record<string, unknown>): NonNullable<CallLogFacts['legs']>[number] {
  const party = (value: unknown) =>
    typeof value === 'object' && value !== null
      ? {
          name: str((value as Party).name),
          phoneNumber: str((value as Party).phoneNumber),
          extensionNumber: str((value as Party).extensionNumber),
        }
      : undefined;
  return {
    direction: str(raw.direction),
    action: str(raw.action),
    result: str(raw.result),
    duration: typeof raw.duration === 'number' ? raw.duration : undefined,
    from: party(raw.from),
    to: party(raw.to),
  };
}

/** A voicemail left on the call is referenced by RingCentral's `message` of type VoiceMail. */
function voicemailLink(callLog: CallLogRecord): string | undefined {
  const message = callLog.message as { type?: unknown; uri?: unknown } | undefined;
  return message?.type === 'VoiceMail' ? str(message.uri) : undefined;
}

/** The user's own side: the caller of an outbound call, the callee of an inbound one. */
function ownParty(callLog: CallLogRecord): Party | undefined {
  return callLog.direction === 'Outbound' ? callLog.from : callLog.direction === 'Inbound' ? callLog.to : undefined;
}

export function factsOf(stored: StoredCallLog): CallLogFacts {
  const { callLog } = stored;
  const other = otherParty(callLog);
  const own = ownParty(callLog);
  return {
    ...stored.ringSense,
    subject: stored.subject,
    direction: callLog.direction,
    startTime: callLog.startTime,
    duration: callLog.duration,
    result: callLog.result,
    contactName: stored.contactName ?? str(other?.name),
    contactNumber: partyNumber(other),
    note: stored.note,
    recordingLink: str(callLog.recording?.link),
    voicemailLink: voicemailLink(callLog),
    aiNote: stored.aiNote,
    transcript: stored.transcript,
    legs: callLog.legs?.map(toLeg),
    sessionId: str(callLog.sessionId),
    ringCentralUserName: str(own?.name),
    ringCentralNumber: str(own?.phoneNumber),
    ringCentralExtension: str(own?.extensionNumber),
  };
}

/** Drops undefined values so a spread only overwrites what the client sent. */
export function sent<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** What a PATCH sent, for the stored structure: applied in order onto what is recorded at delivery. */
export interface CallLogChanges extends RingSenseFields {
  subject?: string;
  note?: string;
  aiNote?: string;
  transcript?: string;
  additionalSubmission?: Record<string, unknown>;
  startTime?: string;
  duration?: number;
  result?: string;
  direction?: CallLogRecord['direction'];
  from?: CallLogRecord['from'];
  to?: CallLogRecord['to'];
  legs?: CallLogRecord['legs'];
  telephonySessionId?: string;
  recordingLink?: string;
}

/** A PATCH merged onto a stored call: only the fields it sent change. */
export function applyCallLogChanges(previous: StoredCallLog, changes: CallLogChanges): StoredCallLog {
  return {
    ...previous,
    ...sent({
      subject: changes.subject,
      note: changes.note,
      aiNote: changes.aiNote,
      transcript: changes.transcript,
    }),
    ringSense: { ...previous.ringSense, ...ringSenseOf(changes) },
    additionalSubmission: changes.additionalSubmission
      ? { ...previous.additionalSubmission, ...changes.additionalSubmission }
      : previous.additionalSubmission,
    callLog: {
      ...previous.callLog,
      ...sent({
        startTime: changes.startTime,
        duration: changes.duration,
        result: changes.result,
        direction: changes.direction,
        from: changes.from,
        to: changes.to,
        legs: changes.legs,
        telephonySessionId: changes.telephonySessionId,
        customSubject: changes.subject,
      }),
      ...(changes.recordingLink ? { recording: { ...previous.callLog.recording, link: changes.recordingLink } } : {}),
    },
  };
}

/** How the user's call log is rendered: the connector's format, the user's timezone and settings. */
export interface CallLogRendering {
  logFormat: LogFormat;
  timezone: string;
  userSettings: UserSettings;
}

/** The connector's update parameters for a stored call (the whole body, re-rendered). */
export function callLogUpdateParams(stored: StoredCallLog, rendering: CallLogRendering) {
  return {
    ...stored.ringSense,
    callLog: stored.callLog,
    subject: stored.subject,
    ...sent({
      note: stored.note,
      recordingLink: str(stored.callLog.recording?.link),
      startTime: stored.callLog.startTime,
      duration: stored.callLog.duration,
      result: stored.callLog.result,
      aiNote: stored.aiNote,
      transcript: stored.transcript,
      additionalSubmission: stored.additionalSubmission,
    }),
    composedLogDetails: composeCallLog(factsOf(stored), rendering.logFormat, rendering.timezone, rendering.userSettings),
  };
}
