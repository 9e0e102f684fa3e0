import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { CrmSession } from '../../auth/crm-session.js';
import { AppException } from '../../common/app.exception.js';
import { success } from '../../common/return-message.js';
import type { CrmConnector } from '../../connectors/crm-connector.interface.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { findCreatedLog } from '../../delivery/reconcile.js';
import type { HandledWrite, WriteHandler } from '../../delivery/write-handler.js';
import type { SentContent } from '../../persistence/sent-content.js';
import type { LockScope } from '../../persistence/transaction.service.js';
import type { PendingWriteEntity } from '../../persistence/entities/pending-write.entity.js';
import { CallLogsRepository, type CallSessionKey } from '../../persistence/repositories/call-logs.repository.js';
import {
  type CallLogChanges,
  type CallLogRendering,
  type StoredCallLog,
  applyCallLogChanges,
  callLogUpdateParams,
} from './call-log-record.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;
type ContextFields = 'user' | 'authHeader' | 'refreshAuthHeader';

export const CALL_CREATE = 'call-create';
export const CALL_UPDATE = 'call-update';

/** A create as recorded in the outbox: the connector's parameters without the session, and what we keep. */
export type CallCreatePayload = {
  key: CallSessionKey;
  /** The call_logs claim row, given back if the CRM refuses the create. */
  claimId: number;
  params: Pick<
    Params<'createCallLog'>,
    'contactInfo' | 'callLog' | 'note' | 'additionalSubmission' | 'aiNote' | 'transcript' | 'composedLogDetails' | 'subject'
  > &
    Record<string, unknown>;
  stored: Record<string, unknown>;
  /**
   * PATCHes folded into this create while it was queued, oldest first: applied to `stored`
   * and rendered at delivery. If an earlier attempt turns out to have landed as first sent,
   * they are sent to the found record as an update.
   */
  changes?: CallLogChanges[];
};

/** An update: only the fields PATCHes sent, oldest first; merged onto what is recorded at delivery. */
export type CallUpdatePayload = {
  key: CallSessionKey;
  changes: CallLogChanges[];
  /** Sent by RingCentral's server-side call logging. */
  isFromSSCL?: boolean;
};

/** An update recorded before updates carried changes only (complete parameters): delivered as it is. */
type LegacyCallUpdatePayload = {
  key: CallSessionKey;
  params: Omit<Params<'updateCallLog'>, ContextFields | 'existingCallLog'>;
  stored: Record<string, unknown>;
};

const renderingOf = (session: CrmSession): CallLogRendering => ({
  logFormat: session.connector.manifest.logFormat,
  timezone: session.user.timezone,
  userSettings: session.userSettings,
});

const blankCall = (key: CallSessionKey): StoredCallLog => ({ callLog: { sessionId: key.sessionId }, subject: '' });

const sentOf = (params: { subject?: string; composedLogDetails?: string }): SentContent => ({
  subject: params.subject ?? null,
  body: params.composedLogDetails ?? null,
});

/** The outbox target of a call session: its create and updates reach the CRM in order. */
export function callTarget(key: CallSessionKey): string {
  return `call|${JSON.stringify([key.sessionId, key.extensionKey])}`;
}

@Injectable()
export class CallCreateWriteHandler implements WriteHandler, OnModuleInit {
  readonly kind = CALL_CREATE;
  private readonly logger = new Logger(CallCreateWriteHandler.name);

  constructor(
    private readonly delivery: DeliveryService,
    private readonly callLogs: CallLogsRepository,
  ) {}

  onModuleInit(): void {
    this.delivery.register(this);
  }

  async deliver(write: PendingWriteEntity, session: CrmSession): Promise<HandledWrite> {
    const payload = write.payload as CallCreatePayload;
    const { key, changes = [] } = payload;
    const { connector } = session;
    // PATCHes folded in: the create goes out with their fields, rendered with today's settings.
    const stored = changes.reduce(applyCallLogChanges, payload.stored as unknown as StoredCallLog);
    const update = changes.length > 0 ? callLogUpdateParams(stored, renderingOf(session)) : undefined;
    const bringUpToDate = async (thirdPartyLogId: string, contactId: string | null) => {
      if (!update) return;
      await connector.updateCallLog({
        ...session.context,
        ...update,
        existingCallLog: { thirdPartyLogId, sessionId: key.sessionId, contactId },
      });
    };
    // What the CRM holds after this write: the update's body when PATCHes were folded in, else the create's.
    const sent = sentOf(update ?? payload.params);
    const record = (logId: string) => (scope: LockScope) => this.callLogs.complete(key, logId, { ...stored }, sent, scope);

    // Recorded by an attempt that stopped before removing the outbox row (a first attempt has none).
    if (write.attempts > 1 || write.outcomeUnknown) {
      const recorded = await this.callLogs.findBySession(key);
      if (recorded?.thirdPartyLogId) {
        const logId = recorded.thirdPartyLogId;
        await bringUpToDate(logId, recorded.contactId);
        return { logId, returnMessage: success('Call logged.'), record: update ? record(logId) : async () => undefined };
      }
    }

    const contactInfo = payload.params.contactInfo;
    const found = write.outcomeUnknown ? await findCreatedLog(session, write, 'call', contactInfo) : null;
    let logId = found;
    let returnMessage = found ? success('Call logged.') : undefined;
    if (found) {
      // The found record is the create as first sent; the PATCHes folded in since must still reach it.
      await bringUpToDate(found, contactInfo.id);
    } else {
      let params = payload.params;
      if (update) {
        // The update's own top-level copies (startTime, duration, ...) live in callLog for a create.
        const { recordingLink: _link, startTime: _start, duration: _duration, result: _result, ...content } = update;
        params = { ...content, contactInfo };
      }
      const result = await connector.createCallLog({ ...session.context, ...params, idempotencyKey: write.writeKey });
      if (!result.logId) {
        throw AppException.crmRequestFailed(
          connector.name,
          result.returnMessage?.message ?? `${connector.manifest.displayName} did not create the call log.`,
        );
      }
      logId = String(result.logId);
      returnMessage = result.returnMessage;
    }
    this.logger.log(
      `Logged call session ${key.sessionId} for ${key.userId} on ${connector.name} as ${logId}${found ? ' (reconciled)' : ''}`,
    );
    return {
      logId: logId!,
      returnMessage: returnMessage ?? success('Call logged.'),
      data: { updatedNote: stored.note ?? '' },
      record: record(logId!),
    };
  }

  /** A retry can log the session again. */
  async refused(write: PendingWriteEntity): Promise<void> {
    await this.callLogs.release((write.payload as CallCreatePayload).claimId);
  }

  /** Claims the session again for a failed create, unless it was claimed or logged since. */
  async reopen(write: PendingWriteEntity): Promise<Record<string, unknown> | null> {
    const payload = write.payload as CallCreatePayload;
    const row = await this.callLogs.findBySession(payload.key);
    if (row) return row.id === payload.claimId && !row.thirdPartyLogId ? payload : null;
    const claim = await this.callLogs.claim(payload.key, payload.params.contactInfo.id);
    return claim ? { ...payload, claimId: claim.id } : null;
  }

  readonly absorbs = [CALL_UPDATE] as const;

  /** A PATCH of a call whose create is still queued travels with the create: one CRM write. */
  coalesce(head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> | null {
    const create = head.payload as CallCreatePayload;
    const folded = followers.map((f) => f.payload as CallUpdatePayload | LegacyCallUpdatePayload);
    // An update from before changes-only payloads cannot be replayed as changes: keep it apart.
    if (folded.some((payload) => !('changes' in payload))) return null;
    const merged: CallCreatePayload = {
      ...create,
      changes: [...(create.changes ?? []), ...folded.flatMap((payload) => (payload as CallUpdatePayload).changes)],
    };
    return merged;
  }
}

@Injectable()
export class CallUpdateWriteHandler implements WriteHandler, OnModuleInit {
  readonly kind = CALL_UPDATE;

  constructor(
    private readonly delivery: DeliveryService,
    private readonly callLogs: CallLogsRepository,
  ) {}

  onModuleInit(): void {
    this.delivery.register(this);
  }

  /**
   * Merges the PATCHes' changes onto what is recorded now (writes of one call reach the CRM
   * one at a time, on any instance) and sends the whole re-rendered body, so repeating an
   * update whose outcome is unknown is harmless.
   */
  async deliver(write: PendingWriteEntity, session: CrmSession): Promise<HandledWrite> {
    const payload = write.payload as CallUpdatePayload | LegacyCallUpdatePayload;
    const { key } = payload;
    const row = await this.callLogs.findBySession(key);
    if (!row?.thirdPartyLogId) {
      throw AppException.crmRequestFailed(session.connector.name, `No logged call for session ${key.sessionId}.`);
    }
    let params: LegacyCallUpdatePayload['params'];
    let stored: Record<string, unknown>;
    if ('changes' in payload) {
      const merged = payload.changes.reduce(applyCallLogChanges, (row.details as StoredCallLog | null) ?? blankCall(key));
      params = callLogUpdateParams(merged, renderingOf(session));
      stored = { ...merged };
    } else {
      ({ params, stored } = payload);
    }
    const result = await session.connector.updateCallLog({
      ...session.context,
      ...params,
      ...('isFromSSCL' in payload && payload.isFromSSCL ? { isFromSSCL: true } : {}),
      existingCallLog: { thirdPartyLogId: row.thirdPartyLogId, sessionId: row.sessionId, contactId: row.contactId },
    });
    return {
      logId: row.thirdPartyLogId,
      returnMessage: result.returnMessage ?? success('Call log updated.'),
      data: { updatedNote: result.updatedNote ?? params.note ?? '' },
      // Written only after the CRM accepted the change, so our structure never claims more than the CRM holds.
      record: (scope) => this.callLogs.updateDetails(key, stored, scope, sentOf(params)),
    };
  }

  /** Later PATCHes join the head's changes, in order: one CRM write for all. */
  coalesce(head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> | null {
    const payloads = [head, ...followers].map((w) => w.payload as CallUpdatePayload | LegacyCallUpdatePayload);
    if (payloads.some((payload) => !('changes' in payload))) return null;
    const merged: CallUpdatePayload = {
      key: payloads[0]!.key,
      changes: payloads.flatMap((payload) => (payload as CallUpdatePayload).changes),
    };
    return merged;
  }
}

export const CALL_DISPOSITION = 'call-disposition';

export type CallDispositionPayload = {
  key: CallSessionKey;
  dispositions: Record<string, unknown>;
};

/**
 * Dispositions chosen after a call was logged. Ordered behind the call's create and
 * updates (same target), so the activity exists when they are applied; an upsert, so
 * repeating one whose outcome is unknown is harmless.
 */
@Injectable()
export class CallDispositionWriteHandler implements WriteHandler, OnModuleInit {
  readonly kind = CALL_DISPOSITION;

  constructor(
    private readonly delivery: DeliveryService,
    private readonly callLogs: CallLogsRepository,
  ) {}

  onModuleInit(): void {
    this.delivery.register(this);
  }

  async deliver(write: PendingWriteEntity, session: CrmSession): Promise<HandledWrite> {
    const { key, dispositions } = write.payload as CallDispositionPayload;
    const { connector } = session;
    const row = await this.callLogs.findBySession(key);
    if (!row?.thirdPartyLogId || !connector.upsertCallDisposition) {
      throw AppException.crmRequestFailed(connector.name, `No logged call for session ${key.sessionId} to set a disposition on.`);
    }
    const result = await connector.upsertCallDisposition({
      ...session.context,
      existingCallLog: { thirdPartyLogId: row.thirdPartyLogId, sessionId: row.sessionId, contactId: row.contactId },
      dispositions,
    });
    const details = (row.details ?? {}) as Record<string, unknown>;
    const earlier = (details.dispositions ?? {}) as Record<string, unknown>;
    return {
      logId: row.thirdPartyLogId,
      returnMessage: result.returnMessage ?? success('Disposition saved.'),
      // Kept with the call, so the console and a later re-render can see what was chosen.
      record: (scope) => this.callLogs.updateDetails(key, { ...details, dispositions: { ...earlier, ...dispositions } }, scope),
    };
  }

  /** Later choices win, field by field. */
  coalesce(head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> {
    const all = [head, ...followers].map((write) => write.payload as CallDispositionPayload);
    return { key: all[0]!.key, dispositions: Object.assign({}, ...all.map((payload) => payload.dispositions)) };
  }
}
