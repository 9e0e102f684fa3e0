import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { danger, type ReturnMessage } from '../common/return-message.js';
import { AppConfig } from '../config/app-config.js';

/** How often idle keep-alive connections are closed while we wait for the busy ones. */
const IDLE_SWEEP_MS = 50;

export interface ClosingAnswer {
  successful: false;
  error: string;
  message: string;
  returnMessage: ReturnMessage;
}

/**
 * The HTTP side of a graceful shutdown. Nest's sequence runs destroy hooks, then
 * before-shutdown hooks, then closes the HTTP server, then the shutdown hooks (CRM
 * agents, database). This gate closes the door at the first step: new requests are
 * answered 503 and every answer asks the client to close its connection; then it waits,
 * at most SHUTDOWN_GRACE_MS, for the requests already inside. A keep-alive connection
 * that goes idle is closed at once, so an idle client cannot keep the process up.
 * Past the grace period the remaining connections are cut: what they were writing is
 * in the outbox and resumed at the next start.
 */
@Injectable()
export class GracefulShutdown implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private server: Server | undefined;
  private inFlight = 0;
  private closingSince: number | undefined;

  constructor(private readonly config: AppConfig) {}

  /** The server whose connections are swept and, past the grace period, cut. */
  attach(server: Server): void {
    this.server = server;
  }

  get closing(): boolean {
    return this.closingSince !== undefined;
  }

  requestStarted(): void {
    this.inFlight += 1;
  }

  requestFinished(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** What a request that arrives while we close is told, with status 503. */
  closingAnswer(): ClosingAnswer {
    const message = 'The server is shutting down; try again in a moment.';
    return { successful: false, error: 'Service Unavailable', message, returnMessage: danger(message) };
  }

  onModuleDestroy(): void {
    this.closingSince ??= Date.now();
    this.server?.closeIdleConnections();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const deadline = (this.closingSince ?? Date.now()) + this.config.SHUTDOWN_GRACE_MS;
    while (this.inFlight > 0 && Date.now() < deadline) {
      this.server?.closeIdleConnections();
      await sleep(Math.min(IDLE_SWEEP_MS, Math.max(1, deadline - Date.now())));
    }
    if (this.inFlight > 0) {
      this.logger.warn(`Cutting ${this.inFlight} request(s) still running after SHUTDOWN_GRACE_MS; their writes stay queued`);
      this.server?.closeAllConnections();
    } else {
      this.server?.closeIdleConnections();
    }
  }
}
