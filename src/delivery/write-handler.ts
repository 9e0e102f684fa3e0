import type { CrmSession } from '../auth/crm-session.js';
import type { ReturnMessage } from '../common/return-message.js';
import type { PendingWriteEntity } from '../persistence/entities/pending-write.entity.js';
import type { LockScope } from '../persistence/transaction.service.js';

/** What a delivered write gives back to the request that made it. */
export interface DeliveredWrite {
  logId?: string;
  returnMessage?: ReturnMessage;
  data?: Record<string, unknown>;
}

/** A handler's result: the answer, and how to record the outcome in our tables. */
export interface HandledWrite extends DeliveredWrite {
  /**
   * Records the outcome, in one short transaction with the outbox row's removal (on
   * PostgreSQL; in order on SQLite). Until it committed, the write counts as not done.
   */
  record(scope: LockScope): Promise<void>;
}

/**
 * One kind of CRM write (a call create, a call update, a digest). The delivery service
 * claims the write and handles failures; the handler makes the CRM call and says how to
 * record the outcome in our tables. It must be safe to run again after a crash at any point: it
 * checks what is already recorded, and for a create whose earlier attempt may have
 * landed (`write.outcomeUnknown`) it reconciles instead of creating again.
 */
export interface WriteHandler {
  readonly kind: string;
  /**
   * `volatile` is what the request had but must never be stored (download links with
   * the RingCentral token); the worker's attempts go without it.
   */
  deliver(write: PendingWriteEntity, session: CrmSession, volatile?: unknown): Promise<HandledWrite>;
  /** The CRM refused the write for good: give back what recording the intent claimed. */
  refused?(write: PendingWriteEntity): Promise<void>;
  /**
   * A failed write is to be tried again (a user asked): take back what `refused` gave up
   * and answer the payload to deliver, or null when the write can no longer be made (the
   * call was logged another way since). Without it the payload is delivered as it is.
   */
  reopen?(write: PendingWriteEntity): Promise<Record<string, unknown> | null>;
  /**
   * Folds writes queued behind `head` into one payload, so the CRM gets one write for all.
   * Null keeps them apart, e.g. while the head is a create to be reconciled as it was sent.
   */
  coalesce?(head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> | null;
  /**
   * Kinds of later writes of the same target `coalesce` can fold in besides its own (a
   * call create takes the updates queued behind it). Default: its own kind only.
   */
  readonly absorbs?: readonly string[];
  /**
   * Whether what `write` carried is recorded as delivered (it was folded into a write that
   * another instance delivered): the answer for its request, or null when it cannot tell.
   */
  recorded?(write: PendingWriteEntity): Promise<DeliveredWrite | null>;
}

/** How a retry asked for by a user ended. */
export type RetryOutcome =
  | { status: 'delivered' }
  /** Still in the outbox: tried and failed again (`reason`), or not its turn yet. */
  | { status: 'queued' | 'failed'; reason?: string }
  /** Not this user's, at the CRM right now, or nothing left to retry. */
  | { status: 'unavailable'; reason: string };

/** How a submitted write ended for the request. */
export type SubmitOutcome =
  | ({ status: 'delivered' } & DeliveredWrite)
  | { status: 'refused'; reason: string }
  /** Kept in the outbox; `reason` is the CRM's, when an attempt failed. */
  | { status: 'queued'; reason?: string };
