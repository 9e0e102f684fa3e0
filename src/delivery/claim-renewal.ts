import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { PendingWriteEntity } from '../persistence/entities/pending-write.entity.js';
import { PendingWritesRepository } from '../persistence/repositories/pending-writes.repository.js';

/** One claim this instance holds, and the lease it last gave it. */
interface Hold {
  readonly writeKey: string;
  leaseUntil: string;
}

/**
 * Keeps this instance's claims alive while their deliveries run. A claim's lease is short
 * (OUTBOX_LEASE_MS), so a write claimed by an instance that died is taken over within
 * about one lease; every third of it, one UPDATE extends every claim still in flight here.
 * Nothing of ours is held open between renewals: each is one statement, on its own.
 *
 * A delivery can still outlast its lease, if this process stalls (or loses the database)
 * for longer than two renewal intervals. That is safe: the instance that takes the write
 * over marks its outcome unknown, so it looks the record up by its idempotency key before
 * it creates anything, and adopts what this delivery made.
 */
@Injectable()
export class ClaimRenewal {
  private readonly logger = new Logger(ClaimRenewal.name);
  private readonly held = new Map<string, Hold>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly writes: PendingWritesRepository,
    private readonly config: AppConfig,
  ) {}

  /** Renews the claim on `claimed` until `work` settles. */
  async during<T>(claimed: PendingWriteEntity, work: () => Promise<T>): Promise<T> {
    const hold = this.hold(claimed);
    try {
      return await work();
    } finally {
      this.release(hold);
    }
  }

  /**
   * Stops renewing (the end of a shutdown drain): claims still in flight then lapse after
   * their lease, and the next instance to start reconciles them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.held.clear();
    this.clearTimer();
    // A renewal already sent finishes before the database closes.
    await this.renewing;
  }

  /** One renewal of every claim in flight, never two at once; the timer calls it every third of the lease. */
  private renewNow(now = Date.now()): Promise<void> {
    this.renewing ??= this.renew(now).finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private hold(claimed: PendingWriteEntity): Hold | undefined {
    if (this.stopped || !claimed.leaseUntil) return undefined;
    const hold: Hold = { writeKey: claimed.writeKey, leaseUntil: claimed.leaseUntil };
    this.held.set(hold.writeKey, hold);
    if (!this.timer) {
      this.timer = setInterval(() => void this.renewNow(), this.config.outboxLeaseRenewalMs);
      this.timer.unref();
    }
    return hold;
  }

  private release(hold: Hold | undefined): void {
    // Only our own hold: a lapsed claim this instance took over again is another delivery's.
    if (hold && this.held.get(hold.writeKey) === hold) this.held.delete(hold.writeKey);
    if (this.held.size === 0) this.clearTimer();
  }

  private async renew(now: number): Promise<void> {
    if (this.held.size === 0) return;
    const sent = [...this.held.values()].map((hold) => ({ hold, leaseUntil: hold.leaseUntil }));
    let result;
    try {
      result = await this.writes.renew(new Map(sent.map(({ hold, leaseUntil }) => [hold.writeKey, leaseUntil])), this.config.OUTBOX_LEASE_MS, now);
    } catch (error) {
      // The next interval tries again; the lease leaves room for one more miss.
      this.logger.warn({ err: error }, `Could not renew ${sent.length} outbox claim(s)`);
      return;
    }
    const lost: string[] = [];
    for (const { hold, leaseUntil } of sent) {
      // Settled or claimed afresh while the renewal ran: that delivery's hold decides.
      if (this.held.get(hold.writeKey) !== hold || hold.leaseUntil !== leaseUntil) continue;
      if (result.renewed.has(hold.writeKey)) {
        hold.leaseUntil = result.leaseUntil;
        continue;
      }
      this.held.delete(hold.writeKey);
      lost.push(hold.writeKey);
    }
    for (const writeKey of lost) {
      // Most often the delivery settled the row a moment before letting go of it; only a
      // row someone else now delivers means this claim ran out.
      const row = await this.writes.find(writeKey).catch(() => null);
      if (row?.state !== 'delivering') continue;
      this.logger.warn(
        `Lost the claim on outbox write ${writeKey}: its lease ran out before it was renewed and another ` +
          'delivery took it over, which reconciles it by its idempotency key before creating anything.',
      );
    }
    if (this.held.size === 0) this.clearTimer();
  }

  private clearTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
