import type { UserSettings } from '../../common/user-settings.js';

/** Which blocks a composed call log carries, and how it writes the call's date. */
export interface CallLogOptions {
  note: boolean;
  subject: boolean;
  contactNumber: boolean;
  dateTime: boolean;
  duration: boolean;
  result: boolean;
  /** Covers the voicemail link too: both are recordings of the call. */
  recording: boolean;
  aiNote: boolean;
  transcript: boolean;
  legs: boolean;
  sessionId: boolean;
  ringCentralUserName: boolean;
  ringCentralNumber: boolean;
  ringSenseTranscript: boolean;
  ringSenseSummary: boolean;
  ringSenseAIScore: boolean;
  ringSenseBulletedSummary: boolean;
  ringSenseLink: boolean;
  /** moment pattern for the call's start. */
  dateFormat: string;
}

/** How message digests and shared SMS threads stamp and sign their entries. */
export interface MessageLogOptions {
  /** moment pattern stamped on each entry when it is first added. */
  entryTimeFormat: string;
  /** moment pattern of a shared thread's "Started" and "Last activity". */
  threadTimeFormat: string;
  /** Whose name signs the user's own messages: their RingCentral name, or the name their CRM knows. */
  senderName: 'ringcentral' | 'crm';
}

export interface LogOptions {
  callLog: CallLogOptions;
  messageLog: MessageLogOptions;
}

export const DEFAULT_CALL_DATE_FORMAT = 'YYYY-MM-DD hh:mm:ss A';
/** A digest covers one day, so without a chosen format an entry shows only its time. */
export const DEFAULT_ENTRY_TIME_FORMAT = 'hh:mm A';
export const DEFAULT_THREAD_TIME_FORMAT = 'YYYY-MM-DD hh:mm A';
/** Longer patterns are not date formats a person chose; they fall back to the default. */
const MAX_DATE_FORMAT_LENGTH = 64;

/**
 * Setting id -> option, with App Connect's default. Most blocks are on unless turned
 * off; App Connect leaves the contact's number, the session id and the RingCentral
 * user's name and number out unless the user turns them on, and so do we.
 */
const CALL_LOG_TOGGLES: Record<Exclude<keyof CallLogOptions, 'dateFormat'>, [settingId: string, byDefault: boolean]> = {
  note: ['addCallLogNote', true],
  subject: ['addCallLogSubject', true],
  contactNumber: ['addCallLogContactNumber', false],
  dateTime: ['addCallLogDateTime', true],
  duration: ['addCallLogDuration', true],
  result: ['addCallLogResult', true],
  recording: ['addCallLogRecording', true],
  aiNote: ['addCallLogAiNote', true],
  transcript: ['addCallLogTranscript', true],
  legs: ['addCallLogLegs', true],
  sessionId: ['addCallSessionId', false],
  ringCentralUserName: ['addRingCentralUserName', false],
  ringCentralNumber: ['addRingCentralNumber', false],
  ringSenseTranscript: ['addCallLogRingSenseRecordingTranscript', true],
  ringSenseSummary: ['addCallLogRingSenseRecordingSummary', true],
  ringSenseAIScore: ['addCallLogRingSenseRecordingAIScore', true],
  ringSenseBulletedSummary: ['addCallLogRingSenseRecordingBulletedSummary', true],
  ringSenseLink: ['addCallLogRingSenseRecordingLink', true],
};

/** Settings travel as JSON from the extension and from admins: a toggle may arrive as "false". */
function toggle(settings: UserSettings, id: string): boolean | undefined {
  const value = settings[id]?.value;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function chosenDateFormat(settings: UserSettings): string | undefined {
  const value = settings.logDateFormat?.value;
  if (typeof value !== 'string') return undefined;
  const pattern = value.trim();
  return pattern !== '' && pattern.length <= MAX_DATE_FORMAT_LENGTH ? pattern : undefined;
}

/** The user's (admin-merged) settings as the typed options the composers read; anything unreadable is the default. */
export function resolveLogOptions(settings: UserSettings | undefined): LogOptions {
  const raw = settings ?? {};
  const callLog = Object.fromEntries(
    Object.entries(CALL_LOG_TOGGLES).map(([option, [id, byDefault]]) => [option, toggle(raw, id) ?? byDefault]),
  ) as Omit<CallLogOptions, 'dateFormat'>;
  const dateFormat = chosenDateFormat(raw);
  return {
    callLog: { ...callLog, dateFormat: dateFormat ?? DEFAULT_CALL_DATE_FORMAT },
    messageLog: {
      entryTimeFormat: dateFormat ?? DEFAULT_ENTRY_TIME_FORMAT,
      threadTimeFormat: dateFormat ?? DEFAULT_THREAD_TIME_FORMAT,
      // A message always needs a signature: only an explicit "off" swaps the RingCentral name for the CRM one.
      senderName: toggle(raw, 'addRingCentralUserName') === false ? 'crm' : 'ringcentral',
    },
  };
}
