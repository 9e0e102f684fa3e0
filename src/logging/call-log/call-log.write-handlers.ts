import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { CrmSession } from '../../auth/crm-session.js';
import { AppException } from '../../common/app.exception.js';
import { success } from '../../common/return-message.js';
import type { CrmConnector } from '../../connectors/crm-connector.interface.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { findCreatedLog } from '../../delivery/reconcile.js';
import type { HandledWrite, WriteHandler } from '../../delivery/write-handler.js';
import type { PendingWriteEntity } from '../../persistence/entities/pending-write.entity.js';
import { CallLogsRepository, type CallSessionKey } from '../../persistence/repositories/call-logs.repository.js';

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
   * Set when PATCHes were folded into this create (params then hold their merged fields):
   * if an earlier attempt turns out to have landed as first sent, this update brings it up to date.
   */
  update?: CallUpdatePayload['params'];
};

export type CallUpdatePayload = {
  key: CallSessionKey;
  params: Omit<Params<'updateCallLog'>, ContextFields | 'existingCallLog'>;
  stored: Record<string, unknown>;
};

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
    const { key, params, stored, update } = write.payload as CallCreatePayload;
    // Recorded by an attempt that stopped before removing the outbox row (a first attempt has none).
    if (write.attempts > 1 || write.outcomeUnknown) {
      const recorded = await this.callLogs.findBySession(key);
      if (recorded?.thirdPartyLogId) {
        const logId = recorded.thirdPartyLogId;
        if (!update) return { logId, returnMessage: success('Call logged.'), record: async () => undefined };
        await session.connector.updateCallLog({
          ...session.context,
          ...update,
          existingCallLog: { thirdPartyLogId: logId, sessionId: key.sessionId, contactId: recorded.contactId },
        });
        return { logId, returnMessage: success('Call logged.'), record: (scope) => this.callLogs.updateDetails(key, stored, scope) };
      }
    }

    const { connector } = session;
    const found = write.outcomeUnknown ? await findCreatedLog(session, write, 'call', params.contactInfo) : null;
    let logId = found;
    let returnMessage = found ? success('Call logged.') : undefined;
    if (!logId) {
      const result = await connector.createCallLog({ ...session.context, ...params, idempotencyKey: write.writeKey });
      if (!result.logId) {
        throw AppException.crmRequestFailed(
          connector.name,
          result.returnMessage?.message ?? `${connector.manifest.displayName} did not create the call log.`,
        );
      }
      logId = String(result.logId);
      returnMessage = result.returnMessage;
    } else if (update) {
      // The found record is the create as first sent; the PATCHes folded in since must still reach it.
      await connector.updateCallLog({
        ...session.context,
        ...update,
        existingCallLog: { thirdPartyLogId: logId, sessionId: key.sessionId, contactId: params.contactInfo.id },
      });
    }
    this.logger.log(
      `Logged call session ${key.sessionId} for ${key.userId} on ${connector.name} as ${logId}${found ? ' (reconciled)' : ''}`,
    );
    const created = logId;
    return {
      logId,
      returnMessage: returnMessage ?? success('Call logged.'),
      record: (scope) => this.callLogs.complete(key, created, stored, scope),
    };
  }

  /** A retry can log the session again. */
  async refused(write: PendingWriteEntity): Promise<void> {
    await this.callLogs.release((write.payload as CallCreatePayload).claimId);
  }

  readonly absorbs = [CALL_UPDATE] as const;

  /**
   * A PATCH of a call whose create is still queued: the create goes out once, with the
   * newest merged fields (each update carries them all). If the create may have landed as
   * first sent, delivery reconciles it and then applies the folded update to what it found.
   */
  coalesce(head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> {
    const create = head.payload as CallCreatePayload;
    const newest = followers[followers.length - 1]!.payload as CallUpdatePayload;
    // The update's own top-level copies (startTime, duration, ...) live in callLog for a create.
    const { recordingLink: _link, startTime: _start, duration: _duration, result: _result, ...content } = newest.params;
    const merged: CallCreatePayload = {
      ...create,
      params: { ...content, contactInfo: create.params.contactInfo },
      stored: newest.stored,
      update: newest.params,
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

  /** An update replaces the whole activity body, so repeating one whose outcome is unknown is harmless. */
  async deliver(write: PendingWriteEntity, session: CrmSession): Promise<HandledWrite> {
    const { key, params, stored } = write.payload as CallUpdatePayload;
    const row = await this.callLogs.findBySession(key);
    if (!row?.thirdPartyLogId) {
      throw AppException.crmRequestFailed(session.connector.name, `No logged call for session ${key.sessionId}.`);
    }
    const result = await session.connector.updateCallLog({
      ...session.context,
      ...params,
      existingCallLog: { thirdPartyLogId: row.thirdPartyLogId, sessionId: row.sessionId, contactId: row.contactId },
    });
    return {
      logId: row.thirdPartyLogId,
      returnMessage: result.returnMessage ?? success('Call log updated.'),
      data: { updatedNote: result.updatedNote },
      // Written only after the CRM accepted the change, so our structure never claims more than the CRM holds.
      record: (scope) => this.callLogs.updateDetails(key, stored, scope),
    };
  }

  /** Each update carries the complete fields, so the newest queued one stands for all. */
  coalesce(_head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> {
    return followers[followers.length - 1]!.payload;
  }
}
