import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PendingWritesRepository } from '../persistence/repositories/pending-writes.repository.js';
import { DeliveryService } from './delivery.service.js';

/**
 * Delivers what the requests could not: writes the CRM did not take, and writes left
 * behind by an instance that stopped. Every instance runs one; claims keep them apart.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly writes: PendingWritesRepository,
    private readonly delivery: DeliveryService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Runs before the HTTP agents and the database close (they close in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass?.catch(() => undefined);
    await this.delivery.drain();
  }

  /**
   * One pass over the due writes, at most OUTBOX_CONCURRENCY at a time. Resolves with how
   * many it delivered or settled. `now` lets tests look into the future (expired claims).
   */
  runOnce(now = Date.now()): Promise<number> {
    this.pass ??= this.deliverDue(now).finally(() => (this.pass = undefined));
    return this.pass;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, 'Outbox pass failed'))
        .finally(() => this.schedule());
    }, this.config.OUTBOX_POLL_MS);
    this.timer.unref();
  }

  private async deliverDue(now: number): Promise<number> {
    await this.delivery.expireStale(now);
    const due = await this.writes.due(now);
    let handled = 0;
    let next = 0;
    const lane = async () => {
      while (!this.stopped && next < due.length) {
        const { writeKey, userId } = due[next++]!;
        try {
          if (await this.delivery.deliverDue(writeKey, userId, now)) handled += 1;
        } catch (error) {
          this.logger.error({ err: error }, `Delivering outbox write ${writeKey} failed`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.OUTBOX_CONCURRENCY, due.length) }, lane));
    return handled;
  }
}
