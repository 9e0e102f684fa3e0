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
import { type CallLogFacts, composeCallLog, defaultCallSubject, toIsoInstant } from '../compose/call-log.composer.js';
import { MAX_LOOKUP_SESSIONS, type CallLogLookupQueryDto } from './dto/call-log-lookup.dto.js';
import type {
  CallLogLookupItemDto,
  CallLogLookupResponseDto,
  CallLogMutationResponseDto,
  CallLogUpdateResponseDto,
} from './dto/call-log-response.dto.js';
import type { CallLogContentDto } from './dto/call-log-content.dto.js';
import type { CreateCallLogDto } from './dto/create-call-log.dto.js';
import type { UpdateCallLogDto } from './dto/update-call-log.dto.js';
import {
  CALL_CREATE,
  CALL_UPDATE,
  type CallCreatePayload,
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
  ) {}

  async create(session: CrmSession, dto: CreateCallLogDto): Promise<CallLogMutationResponseDto> {
    const key = this.keyOf(session, dto.logInfo.sessionId, dto);
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
          note: dto.note,
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
      if (outcome.status === 'refused') return { successful: false, returnMessage: danger(outcome.reason) };
      // Accepted: the outbox holds it and delivers it, so the extension must not offer to log it again.
      return { successful: true, returnMessage: this.queued(session, outcome, 'The call') };
    });
  }

  async update(session: CrmSession, dto: UpdateCallLogDto): Promise<CallLogUpdateResponseDto> {
    const key = this.keyOf(session, dto.sessionId, dto);
    return this.lock.run(this.lockKey(key), async () => {
      const row = await this.callLogs.findBySession(key);
      if (!row) {
        return { successful: false, returnMessage: warning(`No call log found for session ${key.sessionId}.`) };
      }
      // Queued writes (the create, updates) not yet at the CRM are the newest state: merge onto the last of them.
      const queued = await this.delivery.openWrites(key.userId, callTarget(key));
      if (!row.thirdPartyLogId && queued.length === 0) {
        return {
          successful: false,
          returnMessage: warning(`The call of session ${key.sessionId} is still being logged; try again shortly.`),
        };
      }
      const before = (
        queued.length > 0 ? (queued[queued.length - 1]!.payload as CallCreatePayload | CallUpdatePayload).stored : row.details
      ) as StoredCallLog | null;
      const previous: StoredCallLog = before ?? { callLog: { sessionId: key.sessionId }, subject: '' };
      const stored: StoredCallLog = {
        ...previous,
        ...sent({
          subject: dto.subject,
          note: dto.note,
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
      if (outcome.status === 'refused') return { successful: false, returnMessage: danger(outcome.reason) };
      if (outcome.status === 'queued') {
        return {
          successful: true,
          ...(row.thirdPartyLogId ? { logId: row.thirdPartyLogId } : {}),
          updatedNote: stored.note ?? '',
          returnMessage: this.queued(session, outcome, 'The change'),
        };
      }
      const updatedNote = outcome.data?.updatedNote;
      return {
        successful: true,
        logId: outcome.logId ?? row.thirdPartyLogId ?? undefined,
        updatedNote: typeof updatedNote === 'string' ? updatedNote : (stored.note ?? ''),
        returnMessage: outcome.returnMessage ?? success('Call log updated.'),
      };
    });
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
    const bySession = new Map(rows.map((row) => [row.sessionId, row] as const));
    let unavailable = 0;
    let queued = 0;
    const logs: CallLogLookupItemDto[] = [];
    for (const sessionId of sessionIds) {
      const row = bySession.get(sessionId);
      if (row && !row.thirdPartyLogId) {
        // A create still in the outbox is logged as far as the extension is concerned: it will
        // reach the CRM without a resend, and offering to log it again would make a second one.
        // The contract's item has no queued flag; no logId and the answer's warning say it.
        const key = { userId: row.userId, sessionId, extensionKey: row.extensionKey };
        if ((await this.delivery.openWrites(key.userId, callTarget(key))).some((write) => write.kind === CALL_CREATE)) {
          queued += 1;
          logs.push({ sessionId, matched: true });
          continue;
        }
      }
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
    const notes = [
      queued > 0 &&
        `${queued === 1 ? '1 call is' : `${queued} calls are`} queued and will be written to ${session.connector.manifest.displayName} automatically.`,
      unavailable > 0 && `The CRM could not return details for ${unavailable} of the logged calls.`,
    ].filter(Boolean);
    return {
      successful: true,
      logs,
      ...(notes.length > 0 ? { returnMessage: warning(notes.join(' ')) } : {}),
    };
  }

  private keyOf(
    session: CrmSession,
    sessionId: string,
    identity: { hashedExtensionId?: string; extensionNumber?: string },
  ): CallSessionKey {
    return {
      userId: session.user.id,
      sessionId,
      extensionKey: str(identity.hashedExtensionId) ?? str(identity.extensionNumber) ?? '',
    };
  }

  private lockKey(key: CallSessionKey): string {
    return JSON.stringify([key.userId, key.sessionId, key.extensionKey]);
  }

  private existingLog(key: CallSessionKey): CallLogMutationResponseDto {
    return { successful: false, returnMessage: warning(`Existing log for session ${key.sessionId}`) };
  }

  /** A queued write is kept and delivered by the outbox worker; the CRM's reason says why it waits. */
  private queued(session: CrmSession, outcome: Extract<SubmitOutcome, { status: 'queued' }>, what: string) {
    return queuedNotice(outcome.reason, `${what} is`, session.connector.manifest.displayName);
  }
}
