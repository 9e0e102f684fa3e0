import { Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthService } from '../auth/auth.service.js';
import type { CrmSession } from '../auth/crm-session.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { OperationsObserver, SilentOperationsObserver } from '../common/operations-observer.js';
import { AppConfig } from '../config/app-config.js';
import type { PendingWriteEntity } from '../persistence/entities/pending-write.entity.js';
import { PendingWritesRepository } from '../persistence/repositories/pending-writes.repository.js';
import { TransactionService } from '../persistence/transaction.service.js';
import { ClaimRenewal } from './claim-renewal.js';
import { type AttemptMode, classifyFailure, retryDelayMs } from './write-failure.js';
import type { RetryOutcome, SubmitOutcome, WriteHandler } from './write-handler.js';

/** How often a request that waits behind an earlier write of its target looks again. */
const INLINE_POLL_MS = 25;

function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

export interface NewWrite {
  kind: string;
  /** The unit of ordering: writes of one target reach the CRM one at a time, oldest first. */
  targetKey: string;
  payload: Record<string, unknown>;
}

/**
 * The durable write path. A write is recorded in the outbox (one statement), then
 * delivered with no connection, transaction or lock of ours held during the CRM call,
 * then its outcome is recorded by the handler and the outbox row removed. A write the
 * CRM cannot take now stays in the outbox for the worker; one the CRM refuses is given
 * back (in a request) or parked as failed (in the worker). A claim is a row update
 * decided by the database, so instances sharing PostgreSQL never deliver a write twice;
 * its lease is renewed while the delivery runs (ClaimRenewal), so it is short, and a write
 * claimed by an instance that died is taken over within about OUTBOX_LEASE_MS.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly handlers = new Map<string, WriteHandler>();
  /** Keeps one instance's requests for one target from polling for each other. */
  private readonly targets = new KeyedMutex((seconds) => this.observer.lockWaited('outbox_target', seconds));
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Writes of this instance's waiting requests folded into another write: that write's outcome. */
  private readonly carriedBy = new Map<string, Promise<SubmitOutcome>>();
  /** Users whose CRM answered 429, until when: the worker spends none of their rate budget meanwhile. */
  private readonly rateLimitedUntil = new Map<string, number>();
  private draining = false;

  constructor(
    private readonly writes: PendingWritesRepository,
    private readonly transactions: TransactionService,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
    private readonly renewal: ClaimRenewal,
    @Optional() private readonly observer: OperationsObserver = new SilentOperationsObserver(),
  ) {}

  register(handler: WriteHandler): void {
    if (this.handlers.has(handler.kind)) throw new Error(`Two write handlers for kind ${handler.kind}`);
    this.handlers.set(handler.kind, handler);
  }

  /** Open (pending or delivering) writes of a target, oldest first. */
  openWrites(userId: string, targetKey: string): Promise<PendingWriteEntity[]> {
    return this.writes.open(userId, targetKey);
  }

  /**
   * Records a write, then delivers it in this request once it is the oldest open write of
   * its target (waiting up to OUTBOX_INLINE_WAIT_MS). Whatever happens after the record,
   * the write is not lost: if it is not delivered here, the worker delivers it.
   */
  async submit(session: CrmSession, write: NewWrite, volatile?: unknown): Promise<SubmitOutcome> {
    this.handlerFor(write.kind);
    const userId = session.user.id;
    return this.track(
      (async (): Promise<SubmitOutcome> => {
        const record = { writeKey: randomUUID(), userId, ...write };
        if (!this.draining) {
          const claimed = await this.writes.enqueueClaimed(record, this.config.OUTBOX_LEASE_MS);
          if (claimed) return this.renewal.during(claimed, () => this.attempt(claimed, session, 'request', volatile));
        }
        // Recorded before taking this instance's turn for the target, so the write at the CRM
        // now can be followed by one that takes every write queued meanwhile.
        const row = await this.writes.enqueue(record);
        if (this.draining && this.config.outboxEnabled) return { status: 'queued' };
        return this.targets.run(`${userId}|${write.targetKey}`, () => this.deliverInRequest(row, session, volatile));
      })(),
    );
  }

  /**
   * Worker: claims a due write (or one whose claim expired) and delivers it. False when it
   * was not ours to take, or its user's CRM rate limit is spent (requests still try theirs).
   */
  async deliverDue(writeKey: string, userId: string, now = Date.now()): Promise<boolean> {
    if (this.draining) return false;
    const limitedUntil = this.rateLimitedUntil.get(userId);
    if (limitedUntil !== undefined) {
      if (limitedUntil > now) return false;
      this.rateLimitedUntil.delete(userId);
    }
    return this.track(
      (async () => {
        const claimed = await this.writes.claim(writeKey, this.config.OUTBOX_LEASE_MS, now);
        if (!claimed) return false;
        // Held from the claim on: finding the session may refresh the CRM token first.
        return this.renewal.during(claimed, async () => {
          let session: CrmSession;
          try {
            session = await this.auth.sessionForUser(claimed.userId);
          } catch (error) {
            await this.settleFailure(claimed, error, 'worker');
            return true;
          }
          await this.attemptWithFollowers(claimed, session, 'worker');
          return true;
        });
      })(),
    );
  }

  /**
   * A user's "retry now" (console): a pending write becomes due now, a failed one goes back
   * in the queue (its handler takes back what giving up released), then it is delivered
   * by the worker's own path, deliverDue, at once. Another attempt that fails is settled
   * as the worker settles it: rescheduled, or parked again.
   */
  async retryNow(userId: string, writeKey: string): Promise<RetryOutcome> {
    const write = await this.writes.find(writeKey);
    if (!write || write.userId !== userId) return { status: 'unavailable', reason: 'No such write in your outbox.' };
    if (write.state === 'delivering') return { status: 'unavailable', reason: 'This write is at the CRM right now.' };
    let due: boolean;
    if (write.state === 'failed') {
      const handler = this.handlerFor(write.kind);
      const payload = handler.reopen ? await handler.reopen(write) : write.payload;
      if (!payload) return { status: 'unavailable', reason: 'This log was written another way since; nothing to retry.' };
      due = await this.writes.revive(writeKey, userId, payload);
    } else {
      due = await this.writes.makeDue(writeKey, userId);
    }
    if (!due) return { status: 'unavailable', reason: 'This write changed meanwhile; reload to see where it is.' };
    // The user asked: their pause after a 429 does not hold this one back.
    this.rateLimitedUntil.delete(userId);
    await this.deliverDue(writeKey, userId);
    const after = await this.writes.find(writeKey);
    if (!after) return { status: 'delivered' };
    return { status: after.state === 'failed' ? 'failed' : 'queued', reason: after.lastError ?? undefined };
  }

  /**
   * Gives up on writes still pending OUTBOX_MAX_AGE after they were recorded: each is parked
   * as failed with its last reason, logged, and what it claimed is given back (a call create
   * frees its session, so the extension offers to log the call again). Resolves with how many.
   */
  async expireStale(now = Date.now()): Promise<number> {
    const maxAge = this.config.OUTBOX_MAX_AGE;
    const expired = await this.writes.expire(now - maxAge);
    for (const write of expired) {
      const reason = `Not delivered within ${describeDuration(maxAge)}: ${write.lastError ?? 'the CRM did not take it'}`;
      await this.writes.fail(write.writeKey, reason);
      this.observer.outboxFailed(write.kind, 'expired');
      await this.handlerFor(write.kind).refused?.(write);
      this.logger.error(`Gave up on ${write.kind} write ${write.writeKey} of user ${write.userId}. ${reason}`);
    }
    return expired.length;
  }

  /**
   * Stops new deliveries and waits for those at the CRM, so their outcomes are recorded
   * before shutdown; at most SHUTDOWN_GRACE_MS. Their claims are renewed until the drain
   * ends; one still at the CRM then is left to lapse and is reconciled by its next attempt,
   * like after a crash.
   */
  async drain(): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + this.config.SHUTDOWN_GRACE_MS;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      const timer = sleep(Math.max(1, deadline - Date.now()), undefined, { ref: false });
      await Promise.race([Promise.allSettled([...this.inFlight]), timer]);
    }
    // The database closes next: no renewal may start after this.
    await this.renewal.stop();
    if (this.inFlight.size > 0) this.logger.warn(`Shutting down with ${this.inFlight.size} CRM write(s) unsettled; they are reconciled at the next start`);
  }

  private async deliverInRequest(row: PendingWriteEntity, session: CrmSession, volatile: unknown): Promise<SubmitOutcome> {
    const deadline = Date.now() + this.config.OUTBOX_INLINE_WAIT_MS;
    // At most once per request: a CRM that is still down must not be hammered until the deadline.
    let tookEarlier = false;
    let earlierReason: string | undefined;
    for (;;) {
      const carrier = this.takeCarrier(row.writeKey);
      if (carrier) return carrier;
      const claimed = await this.writes.claim(row.writeKey, this.config.OUTBOX_LEASE_MS);
      if (claimed) return this.renewal.during(claimed, () => this.attemptWithFollowers(claimed, session, 'request', volatile));
      const open = await this.writes.open(row.userId, row.targetKey);
      if (!open.some((write) => write.writeKey === row.writeKey)) {
        const folded = this.takeCarrier(row.writeKey);
        if (folded) return folded;
        const current = await this.writes.find(row.writeKey);
        if (current?.state === 'failed') return { status: 'refused', reason: current.lastError ?? 'The CRM refused the write.' };
        // Folded into a write another instance is delivering: wait for it (within our
        // deadline), then ask the handler whether what we carried is recorded.
        return this.awaitForeignCarrier(row, deadline);
      }
      const head = open[0]!;
      // Waiting makes sense only while an earlier write is at the CRM, not through its backoff.
      if (head.state === 'pending' && tookEarlier) return { status: 'queued', reason: earlierReason };
      if (head.state === 'pending') {
        // An earlier write of this target waits for its next attempt: make it now (the CRM
        // may be back), with ours folded in where the kind allows. Failures are settled as
        // the worker would: it holds other requests' acknowledged writes.
        const taken = await this.writes.claim(head.writeKey, this.config.OUTBOX_LEASE_MS);
        if (taken) {
          tookEarlier = true;
          const outcome = await this.renewal.during(taken, () => this.attemptWithFollowers(taken, session, 'worker', volatile));
          if (!(await this.writes.find(row.writeKey))) return outcome;
          earlierReason = outcome.status === 'queued' ? outcome.reason : undefined;
          continue;
        }
      }
      if (this.draining || Date.now() >= deadline) {
        if (this.config.outboxEnabled) return { status: 'queued' };
        const withdrawn = await this.withdraw(row);
        if (withdrawn) return withdrawn;
      }
      await sleep(INLINE_POLL_MS);
    }
  }

  /**
   * Outbox off: takes back a write that could not go out in its request, unless a delivery
   * claimed it meanwhile (null: then its outcome is awaited as usual).
   */
  private async withdraw(row: PendingWriteEntity): Promise<SubmitOutcome | null> {
    if (!(await this.writes.removePending(row.writeKey))) return null;
    await this.handlerFor(row.kind).refused?.(row);
    return {
      status: 'refused',
      reason: this.draining
        ? 'The server is shutting down; please try again.'
        : 'An earlier write of this log is still in progress; please try again.',
    };
  }

  private async attempt(
    write: PendingWriteEntity,
    session: CrmSession,
    mode: AttemptMode,
    volatile?: unknown,
  ): Promise<SubmitOutcome> {
    const handler = this.handlerFor(write.kind);
    let delivered;
    try {
      const { record, ...answer } = await handler.deliver(write, session, volatile);
      // One commit for the outcome and the removal. If it fails, the write is still ours:
      // the error settles it as possibly landed, so its next attempt reconciles first.
      await this.transactions.runOutcome(async (scope) => {
        await record(scope);
        await this.writes.remove([write.writeKey], scope);
      });
      delivered = answer;
    } catch (error) {
      return this.settleFailure(write, error, mode);
    }
    this.observer.outboxDelivered(write.kind);
    return { status: 'delivered', ...delivered };
  }

  /**
   * Delivers a claimed write with the writes queued behind it that its handler can fold in:
   * the CRM gets one write for all. A folded request of this instance hears the outcome of
   * the write that carried it; one of another instance answers "queued" (nothing is lost).
   */
  private async attemptWithFollowers(
    head: PendingWriteEntity,
    session: CrmSession,
    mode: AttemptMode,
    volatile?: unknown,
  ): Promise<SubmitOutcome> {
    const handler = this.handlerFor(head.kind);
    if (!handler.coalesce) return this.attempt(head, session, mode, volatile);
    const foldable = new Set([head.kind, ...(handler.absorbs ?? [])]);
    // Only the unbroken run behind the head: a write of another kind keeps its place in the order.
    const queued = await this.writes.followers(head);
    const stop = queued.findIndex((write) => !foldable.has(write.kind));
    const followers = stop < 0 ? queued : queued.slice(0, stop);
    const payload = followers.length > 0 ? handler.coalesce(head, followers) : null;
    if (!payload) return this.attempt(head, session, mode, volatile);

    let settle!: (outcome: SubmitOutcome) => void;
    const carried = new Promise<SubmitOutcome>((resolve) => (settle = resolve));
    // Registered before the rows go, so a waiting request that misses its row finds the carrier.
    for (const follower of followers) this.carriedBy.set(follower.writeKey, carried);
    const forget = setTimeout(() => followers.forEach((f) => this.carriedBy.delete(f.writeKey)), 60_000);
    forget.unref();
    try {
      // Head first: if we stop in between, the followers are still queued and the
      // handler skips what the head already delivered.
      await this.writes.replacePayload(head.writeKey, payload);
      await this.writes.remove(followers.map((follower) => follower.writeKey));
      const outcome = await this.attempt({ ...head, payload }, session, mode, volatile);
      settle(outcome);
      return outcome;
    } catch (error) {
      // Whatever failed, the carrying write is still ours in the outbox.
      settle({ status: 'queued' });
      throw error;
    }
  }

  private async awaitForeignCarrier(row: PendingWriteEntity, deadline: number): Promise<SubmitOutcome> {
    const handler = this.handlerFor(row.kind);
    if (!handler.recorded) return { status: 'queued' };
    for (;;) {
      const open = await this.writes.open(row.userId, row.targetKey);
      if (!open.some((write) => write.state === 'delivering') || this.draining || Date.now() >= deadline) break;
      await sleep(INLINE_POLL_MS);
    }
    const done = await handler.recorded(row);
    return done ? { status: 'delivered', ...done } : { status: 'queued' };
  }

  private takeCarrier(writeKey: string): Promise<SubmitOutcome> | undefined {
    const carrier = this.carriedBy.get(writeKey);
    if (carrier) this.carriedBy.delete(writeKey);
    return carrier;
  }

  private async settleFailure(write: PendingWriteEntity, error: unknown, mode: AttemptMode): Promise<SubmitOutcome> {
    const verdict = classifyFailure(error, mode);
    const what = `${write.kind} write ${write.writeKey} of user ${write.userId}`;
    if (verdict.unexpected) this.logger.error({ err: error }, `Delivering ${what} failed`);
    if (verdict.kind === 'refused') {
      await this.handlerFor(write.kind).refused?.(write);
      if (mode === 'request') await this.writes.remove([write.writeKey]);
      else await this.writes.fail(write.writeKey, verdict.reason);
      this.observer.outboxFailed(write.kind, 'refused');
      this.logger.warn(`The CRM refused ${what} (attempt ${write.attempts})`);
      return { status: 'refused', reason: verdict.reason };
    }
    if (mode === 'request' && !this.config.outboxEnabled) {
      // No outbox (OUTBOX_ENABLED=false): a plain failure, and nothing kept for later.
      await this.handlerFor(write.kind).refused?.(write);
      await this.writes.remove([write.writeKey]);
      this.logger.warn(`Not delivered, not queued (outbox off): ${what} (${verdict.reason})`);
      if (verdict.unexpected) throw error;
      return { status: 'refused', reason: verdict.reason };
    }
    const maxAttempts = this.config.OUTBOX_MAX_ATTEMPTS;
    if (maxAttempts !== undefined && write.attempts >= maxAttempts) {
      // Parked, not given back: an earlier attempt may have landed, so the claim stays.
      await this.writes.fail(write.writeKey, `Gave up after ${write.attempts} attempts: ${verdict.reason}`);
      this.observer.outboxFailed(write.kind, 'max_attempts');
      this.logger.error(`Gave up on ${what} after ${write.attempts} attempts (OUTBOX_MAX_ATTEMPTS)`);
      return { status: 'queued', reason: verdict.reason };
    }
    const delay = retryDelayMs(
      write.attempts,
      this.config.OUTBOX_RETRY_BASE_MS,
      this.config.OUTBOX_RETRY_MAX_MS,
      verdict.retryAfterMs,
    );
    if (verdict.rateLimited) this.rateLimitedUntil.set(write.userId, Date.now() + delay);
    await this.writes.reschedule(write.writeKey, Date.now() + delay, verdict.reason, verdict.mayHaveLanded);
    this.logger.warn(`Queued ${what} for another attempt in ${delay} ms (attempt ${write.attempts})`);
    if (verdict.unexpected && mode === 'request') throw error;
    return { status: 'queued', reason: verdict.reason };
  }

  private handlerFor(kind: string): WriteHandler {
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`No write handler for kind ${kind}`);
    return handler;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }
}
