import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { KeyedMutex } from '../../common/keyed-mutex.js';
import { danger, success, warning } from '../../common/return-message.js';
import type { CrmSession } from '../../auth/crm-session.js';
import type { CallLogRecord } from '../../connectors/crm-connector.interface.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { queuedNotice } from '../../delivery/queued-notice.js';
import type { SubmitOutcome } from '../../delivery/write-handler.js';
import { CallLogsRepository, type CallSessionKey } from '../../persistence/repositories/call-logs.repository.js';
import { CallNoteCacheRepository } from '../../persistence/repositories/call-note-cache.repository.js';
import { RingCentralIdHasher } from '../../ringcentral/ringcentral-id-hasher.service.js';
import { type CallLogFacts, composeCallLog, defaultCallSubject, toIsoInstant } from '../compose/call-log.composer.js';
import { MAX_LOOKUP_SESSIONS, type CallLogLookupQueryDto } from './dto/call-log-lookup.dto.js';
import type {
  CallLogLookupItemDto,
  CallLogLookupResponseDto,
  CallLogMutationResponseDto,
  CallLogUpdateResponseDto,
} from './dto/call-log-response.dto.js';
import type { CallLogContentDto } from './dto/call-log-content.dto.js';
import type { CacheCallNoteDto } from './dto/cache-call-note.dto.js';
import type { CallDispositionDto } from './dto/call-disposition.dto.js';
import type { CreateCallLogDto } from './dto/create-call-log.dto.js';
import type { UpdateCallLogDto } from './dto/update-call-log.dto.js';
import {
  CALL_CREATE,
  CALL_DISPOSITION,
  CALL_UPDATE,
  type CallCreatePayload,
  type CallDispositionPayload,
  type CallUpdatePayload,
  callTarget,
} from './call-log.write-handlers.js';

type Party = NonNullable<CallLogRecord['from']>;

/** What we keep per logged session, so an update re-renders the whole body instead of editing CRM text. */
interface StoredCallLog {
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

/** How long a note cached for server-side logging is kept (App Connect: about an hour). */
const CACHED_NOTE_TTL_MS = 60 * 60_000;

const RING_SENSE_FIELDS = [
  'ringSenseTranscript',
  'ringSenseSummary',
  'ringSenseAIScore',
  'ringSenseBulletedSummary',
  'ringSenseLink',
] as const;

type RingSenseFields = Pick<CallLogContentDto, (typeof RING_SENSE_FIELDS)[number]>;

const ringSenseOf = (dto: RingSenseFields): RingSenseFields =>
  sent(Object.fromEntries(RING_SENSE_FIELDS.map((field) => [field, dto[field]])));

/** The other party: the callee of an outbound call, the caller of an inbound one. */
function otherParty(callLog: CallLogRecord): Party | undefined {
  return callLog.direction === 'Outbound' ? callLog.to : callLog.from;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function partyNumber(party: Party | undefined): string | undefined {
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

function factsOf(stored: StoredCallLog): CallLogFacts {
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
function sent<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

@Injectable()
export class CallLogService {
  private readonly logger = new Logger(CallLogService.name);
  /**
   * The unique claim keeps instances correct; this keeps one instance from racing
   * itself, e.g. a PATCH arriving while the create of its session is still at the CRM.
   */
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly callLogs: CallLogsRepository,
    private readonly delivery: DeliveryService,
    private readonly notes: CallNoteCacheRepository,
    private readonly hasher: RingCentralIdHasher,
  ) {}

  /** Keeps a note typed during the call for about an hour, for server-side logging to use. */
  async cacheNote(session: CrmSession, dto: CacheCallNoteDto) {
    await this.notes.put(session.user.id, dto.sessionId, dto.note, new Date(Date.now() + CACHED_NOTE_TTL_MS));
    return { successful: true, returnMessage: success('Note kept for server-side call logging.') };
  }

  async create(session: CrmSession, dto: CreateCallLogDto, isFromSSCL = false): Promise<CallLogMutationResponseDto> {
    const key = this.keyOf(session, dto.logInfo.sessionId, dto);
    const note = dto.note ?? (isFromSSCL ? await this.notes.find(session.user.id, dto.logInfo.sessionId) : undefined);
    return this.lock.run(this.lockKey(key), async () => {
      // A claim without a log id is left to claim(): it may be a create that died long ago.
      const existing = await this.callLogs.findBySession(key);
      if (existing?.thirdPartyLogId) return this.existingLog(key);

      const { logInfo } = dto;
      const callLog: CallLogRecord = { ...logInfo, startTime: toIsoInstant(logInfo.startTime) };
      const other = otherParty(callLog);
      const contactId = str(dto.contactId);
      if (!contactId) {
        const number = partyNumber(other) ?? 'an unknown number';
        return {
          successful: false,
          returnMessage: warning(`No contact found for ${number}. Create or select a contact to log this call.`),
        };
      }

      const counterpart = str(dto.contactName) ?? str(other?.name) ?? partyNumber(other) ?? 'an unknown number';
      const stored: StoredCallLog = {
        callLog,
        subject: str(logInfo.customSubject) ?? defaultCallSubject(logInfo.direction, counterpart),
        ...sent({
          note,
          aiNote: dto.aiNote,
          transcript: dto.transcript,
          additionalSubmission: dto.additionalSubmission,
          contactName: dto.contactName,
          contactType: dto.contactType,
        }),
        ringSense: ringSenseOf(dto),
      };
      // A create still in the outbox holds a claim that may look stale: it is not.
      if (existing && (await this.delivery.openWrites(key.userId, callTarget(key))).length > 0) {
        return this.existingLog(key);
      }
      const claim = await this.callLogs.claim(key, contactId);
      if (!claim) return this.existingLog(key);

      const { connector } = session;
      const payload: CallCreatePayload = {
        key,
        claimId: claim.id,
        params: {
          ...stored.ringSense,
          isFromSSCL,
          contactInfo: {
            id: contactId,
            name: stored.contactName ?? '',
            ...sent({ type: stored.contactType, phoneNumber: partyNumber(other) }),
          },
          callLog,
          ...sent({
            note: stored.note,
            additionalSubmission: stored.additionalSubmission,
            aiNote: stored.aiNote,
            transcript: stored.transcript,
          }),
          composedLogDetails: composeCallLog(factsOf(stored), connector.manifest.logFormat, session.user.timezone, session.userSettings),
          subject: stored.subject,
        },
        stored: { ...stored },
      };
      const outcome = await this.delivery.submit(session, { kind: CALL_CREATE, targetKey: callTarget(key), payload });
      if (outcome.status === 'delivered') {
        return { successful: true, logId: outcome.logId!, returnMessage: outcome.returnMessage ?? success('Call logged.') };
      }
      return { successful: false, returnMessage: this.notDelivered(session, outcome, 'The call') };
    });
  }

  async update(session: CrmSession, dto: UpdateCallLogDto, isFromSSCL = false): Promise<CallLogUpdateResponseDto> {
    const key = this.keyOf(session, dto.sessionId, dto);
    const note = dto.note ?? (isFromSSCL ? await this.notes.find(session.user.id, dto.sessionId) : undefined);
    return this.lock.run(this.lockKey(key), async () => {
      const row = await this.callLogs.findBySession(key);
      if (!row) {
        return { successful: false, returnMessage: warning(`No call log found for session ${key.sessionId}.`) };
      }
      if (!row.thirdPartyLogId) {
        return {
          successful: false,
          returnMessage: warning(`The call of session ${key.sessionId} is still being logged; try again shortly.`),
        };
      }
      // Queued updates not yet at the CRM are the newest state: merge onto the last of them.
      const queued = (await this.delivery.openWrites(key.userId, callTarget(key))).filter((w) => w.kind === CALL_UPDATE);
      const before = (queued.length > 0 ? (queued[queued.length - 1]!.payload as CallUpdatePayload).stored : row.details) as
        | StoredCallLog
        | null;
      const previous: StoredCallLog = before ?? { callLog: { sessionId: key.sessionId }, subject: '' };
      const stored: StoredCallLog = {
        ...previous,
        ...sent({
          subject: dto.subject,
          note,
          aiNote: dto.aiNote,
          transcript: dto.transcript,
        }),
        ringSense: { ...previous.ringSense, ...ringSenseOf(dto) },
        additionalSubmission: dto.additionalSubmission
          ? { ...previous.additionalSubmission, ...dto.additionalSubmission }
          : previous.additionalSubmission,
        callLog: {
          ...previous.callLog,
          ...sent({
            startTime: toIsoInstant(dto.startTime),
            duration: dto.duration,
            result: dto.result,
            direction: dto.direction,
            from: dto.from,
            to: dto.to,
            legs: dto.legs,
            telephonySessionId: dto.telephonySessionId,
            customSubject: dto.subject,
          }),
          ...(dto.recordingLink ? { recording: { ...previous.callLog.recording, link: dto.recordingLink } } : {}),
        },
      };

      const { connector } = session;
      const payload: CallUpdatePayload = {
        key,
        params: {
          ...stored.ringSense,
          isFromSSCL,
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
          composedLogDetails: composeCallLog(factsOf(stored), connector.manifest.logFormat, session.user.timezone, session.userSettings),
        },
        stored: { ...stored },
      };
      const outcome = await this.delivery.submit(session, { kind: CALL_UPDATE, targetKey: callTarget(key), payload });
      if (outcome.status !== 'delivered') {
        return { successful: false, returnMessage: this.notDelivered(session, outcome, 'The change') };
      }
      const updatedNote = outcome.data?.updatedNote;
      return {
        successful: true,
        logId: row.thirdPartyLogId,
        updatedNote: typeof updatedNote === 'string' ? updatedNote : (stored.note ?? ''),
        returnMessage: outcome.returnMessage ?? success('Call log updated.'),
      };
    });
  }

  /** Applies dispositions chosen after logging to the call's CRM activity, in order behind its writes. */
  async setDisposition(session: CrmSession, dto: CallDispositionDto): Promise<CallLogMutationResponseDto> {
    const { connector } = session;
    if (!connector.upsertCallDisposition) {
      return { successful: false, returnMessage: warning(`${connector.manifest.displayName} has no call dispositions.`) };
    }
    const key = this.keyOf(session, dto.sessionId, dto);
    const row = await this.callLogs.findBySession(key);
    if (!row) return { successful: false, returnMessage: warning(`No call log found for session ${key.sessionId}.`) };
    const payload: CallDispositionPayload = { key, dispositions: dto.dispositions };
    const outcome = await this.delivery.submit(session, { kind: CALL_DISPOSITION, targetKey: callTarget(key), payload });
    if (outcome.status === 'delivered') {
      return { successful: true, logId: outcome.logId!, returnMessage: outcome.returnMessage ?? success('Disposition saved.') };
    }
    if (outcome.status === 'refused') return { successful: false, returnMessage: danger(outcome.reason) };
    return { successful: true, returnMessage: queuedNotice(outcome.reason, 'The disposition is', connector.manifest.displayName) };
  }

  async lookup(session: CrmSession, query: CallLogLookupQueryDto): Promise<CallLogLookupResponseDto> {
    // The contract: "The server processes at most five ids"; the rest are ignored, not refused.
    const sessionIds = query.sessionIds
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean)
      .slice(0, MAX_LOOKUP_SESSIONS);
    if (sessionIds.length === 0) {
      throw AppException.invalidRequest('sessionIds must name at least one call session id', ['sessionIds']);
    }
    const extensionKey = str(query.hashedExtensionId) ?? str(query.extensionNumber) ?? '';
    const rows = await this.callLogs.findBySessions(session.user.id, sessionIds, extensionKey);
    const logged = new Map(
      rows.filter((row) => row.thirdPartyLogId).map((row) => [row.sessionId, row] as const),
    );
    let unavailable = 0;
    const logs: CallLogLookupItemDto[] = [];
    for (const sessionId of sessionIds) {
      const row = logged.get(sessionId);
      if (!row?.thirdPartyLogId) {
        logs.push({ sessionId, matched: false });
        continue;
      }
      const item: CallLogLookupItemDto = { sessionId, matched: true, logId: row.thirdPartyLogId };
      if (query.requireDetails) {
        try {
          const details = await session.connector.getCallLog({
            ...session.context,
            callLogId: row.thirdPartyLogId,
            contactId: row.contactId,
          });
          if (details.callLogInfo) item.logData = details.callLogInfo;
        } catch (error) {
          // One activity the CRM no longer has must not hide the other sessions' answers.
          if (!(error instanceof AppException) || error.code !== AppErrorCode.CrmRequestFailed) throw error;
          unavailable += 1;
        }
      }
      logs.push(item);
    }
    return {
      successful: true,
      logs,
      ...(unavailable > 0
        ? { returnMessage: warning(`The CRM could not return details for ${unavailable} of the logged calls.`) }
        : {}),
    };
  }

  /**
   * The call's identity: the session plus the extension. Server-side logging sends the raw
   * rcExtensionId where the extension sends hashedExtensionId; hashed the way /userInfoHash
   * hashes, both name the same log.
   */
  private keyOf(
    session: CrmSession,
    sessionId: string,
    identity: { hashedExtensionId?: string; rcExtensionId?: string | number; extensionNumber?: string },
  ): CallSessionKey {
    const rcExtensionId = identity.rcExtensionId === undefined ? undefined : str(String(identity.rcExtensionId));
    return {
      userId: session.user.id,
      sessionId,
      extensionKey:
        str(identity.hashedExtensionId) ?? (rcExtensionId && this.hasher.hash(rcExtensionId)) ?? str(identity.extensionNumber) ?? '',
    };
  }

  private lockKey(key: CallSessionKey): string {
    return JSON.stringify([key.userId, key.sessionId, key.extensionKey]);
  }

  private existingLog(key: CallSessionKey): CallLogMutationResponseDto {
    return { successful: false, returnMessage: warning(`Existing log for session ${key.sessionId}`) };
  }

  /** A refusal carries the CRM's reason; a queued write is kept and delivered by the outbox worker. */
  private notDelivered(session: CrmSession, outcome: Exclude<SubmitOutcome, { status: 'delivered' }>, what: string) {
    if (outcome.status === 'refused') return danger(outcome.reason);
    return queuedNotice(outcome.reason, `${what} is`, session.connector.manifest.displayName);
  }
}
