import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success, warning } from '../../common/return-message.js';
import type { CrmSession } from '../../auth/crm-session.js';
import type { CallLogRecord } from '../../connectors/crm-connector.interface.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { queuedNotice } from '../../delivery/queued-notice.js';
import type { SubmitOutcome } from '../../delivery/write-handler.js';
import type { PendingWriteEntity } from '../../persistence/entities/pending-write.entity.js';
import { CallLogsRepository, type CallSessionKey } from '../../persistence/repositories/call-logs.repository.js';
import { CallNoteCacheRepository } from '../../persistence/repositories/call-note-cache.repository.js';
import { RingCentralIdHasher } from '../../ringcentral/ringcentral-id-hasher.service.js';
import { composeCallLog, defaultCallSubject, toIsoInstant } from '../compose/call-log.composer.js';
import {
  type CallLogChanges,
  type StoredCallLog,
  applyCallLogChanges,
  factsOf,
  otherParty,
  partyNumber,
  ringSenseOf,
  sent,
  str,
} from './call-log-record.js';
import { MAX_LOOKUP_SESSIONS, type CallLogLookupQueryDto } from './dto/call-log-lookup.dto.js';
import type {
  CallLogLookupItemDto,
  CallLogLookupResponseDto,
  CallLogMutationResponseDto,
  CallLogUpdateResponseDto,
} from './dto/call-log-response.dto.js';
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

/** How long a note cached for server-side logging is kept (App Connect: about an hour). */
const CACHED_NOTE_TTL_MS = 60 * 60_000;

/**
 * For the answer to a queued PATCH only: the call as it will be once the queued writes and
 * this PATCH are through (the writes themselves merge at delivery).
 */
function expectedAfter(recorded: StoredCallLog | null, queued: PendingWriteEntity[], own: CallLogChanges): StoredCallLog {
  let state = recorded && 'callLog' in recorded ? recorded : ({ callLog: {}, subject: '' } as StoredCallLog);
  for (const write of queued) {
    if (write.kind === CALL_CREATE) {
      const create = write.payload as CallCreatePayload;
      state = (create.changes ?? []).reduce(applyCallLogChanges, create.stored as unknown as StoredCallLog);
    } else {
      const changes = (write.payload as Partial<CallUpdatePayload>).changes ?? [];
      state = changes.reduce(applyCallLogChanges, state);
    }
  }
  return applyCallLogChanges(state, own);
}

@Injectable()
export class CallLogService {
  private readonly logger = new Logger(CallLogService.name);
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
        ...(isFromSSCL ? { isFromSSCL } : {}),
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
  }

  async update(session: CrmSession, dto: UpdateCallLogDto, isFromSSCL = false): Promise<CallLogUpdateResponseDto> {
    const key = this.keyOf(session, dto.sessionId, dto);
    const note = dto.note ?? (isFromSSCL ? await this.notes.find(session.user.id, dto.sessionId) : undefined);
    const row = await this.callLogs.findBySession(key);
    if (!row) {
      return { successful: false, returnMessage: warning(`No call log found for session ${key.sessionId}.`) };
    }
    const queued = await this.delivery.openWrites(key.userId, callTarget(key));
    if (!row.thirdPartyLogId && queued.length === 0) {
      return {
        successful: false,
        returnMessage: warning(`The call of session ${key.sessionId} is still being logged; try again shortly.`),
      };
    }
    // Only what was sent travels: the handler merges it onto what is recorded when the write
    // reaches the CRM, and the outbox lets one write of a call at a time do that, on any
    // instance, so concurrent PATCHes of different fields all stay.
    const changes: CallLogChanges = sent({
      subject: dto.subject,
      note,
      aiNote: dto.aiNote,
      transcript: dto.transcript,
      ...ringSenseOf(dto),
      additionalSubmission: dto.additionalSubmission,
      startTime: toIsoInstant(dto.startTime),
      duration: dto.duration,
      result: dto.result,
      direction: dto.direction,
      from: dto.from,
      to: dto.to,
      legs: dto.legs,
      telephonySessionId: dto.telephonySessionId,
      recordingLink: dto.recordingLink,
    });
    const payload: CallUpdatePayload = { key, changes: [changes], ...(isFromSSCL ? { isFromSSCL } : {}) };
    const outcome = await this.delivery.submit(session, { kind: CALL_UPDATE, targetKey: callTarget(key), payload });
    if (outcome.status === 'refused') return { successful: false, returnMessage: danger(outcome.reason) };
    if (outcome.status === 'queued') {
      // Our best view of the note once the queue is through: the queued writes, then ours.
      const expected = expectedAfter(row.details as StoredCallLog | null, queued, changes);
      return {
        successful: true,
        ...(row.thirdPartyLogId ? { logId: row.thirdPartyLogId } : {}),
        updatedNote: expected.note ?? '',
        returnMessage: this.queued(session, outcome, 'The change'),
      };
    }
    const updatedNote = outcome.data?.updatedNote;
    return {
      successful: true,
      logId: outcome.logId ?? row.thirdPartyLogId ?? undefined,
      updatedNote: typeof updatedNote === 'string' ? updatedNote : '',
      returnMessage: outcome.returnMessage ?? success('Call log updated.'),
    };
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
    return { successful: true, returnMessage: this.queued(session, outcome, 'The disposition') };
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

  private existingLog(key: CallSessionKey): CallLogMutationResponseDto {
    return { successful: false, returnMessage: warning(`Existing log for session ${key.sessionId}`) };
  }

  /** A queued write is kept and delivered by the outbox worker; the CRM's reason says why it waits. */
  private queued(session: CrmSession, outcome: Extract<SubmitOutcome, { status: 'queued' }>, what: string) {
    return queuedNotice(outcome.reason, `${what} is`, session.connector.manifest.displayName);
  }
}
