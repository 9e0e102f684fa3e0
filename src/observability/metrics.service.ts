import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type CrmRequestEvent, OperationsObserver, type OutboxFailureReason } from '../common/operations-observer.js';
import { RecentCrmErrors } from './recent-crm-errors.js';
import { PendingWritesRepository } from '../persistence/repositories/pending-writes.repository.js';
import { requestFacts } from '../common/request-context.js';

/** Labels stay few and bounded: a route template, never a URL; a status class, never a user. */
const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;

/**
 * The server's Prometheus metrics. A registry of its own per application, so two test
 * apps in one process (or an embedder's own metrics) never collide.
 */
@Injectable()
export class MetricsService extends OperationsObserver implements OnModuleInit {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'app_connect_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly crmDuration = new Histogram({
    name: 'app_connect_crm_request_duration_seconds',
    help: 'CRM requests by connector, operation (method and API route) and final status (HTTP code, timeout or network_error), retries included.',
    labelNames: ['connector', 'operation', 'status'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'app_connect_crm_rate_limited_total',
    help: 'HTTP 429 answers drawn from a CRM, each retried one included.',
    labelNames: ['connector', 'operation'] as const,
    registers: [this.registry],
  });
  private readonly delivered = new Counter({
    name: 'app_connect_outbox_delivered_total',
    help: 'Outbox writes that reached the CRM and were recorded, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly failed = new Counter({
    name: 'app_connect_outbox_failed_total',
    help: 'Outbox writes given up, by kind and reason (refused by the CRM, max_attempts, expired).',
    labelNames: ['kind', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly lockWait = new Histogram({
    name: 'app_connect_lock_wait_seconds',
    help: 'Time spent waiting for a lock, by lock (outbox_target: a request waiting behind this instance\'s other requests for the same call or digest).',
    labelNames: ['lock'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pendingWrites: PendingWritesRepository,
    private readonly recentErrors: RecentCrmErrors,
  ) {
    super();
    collectDefaultMetrics({ register: this.registry, prefix: 'app_connect_' });
    // Read from the outbox table at scrape time, so every instance reports the shared queue.
    const outbox = () => this.pendingWrites.stateSummary();
    new Gauge({
      name: 'app_connect_outbox_writes',
      help: 'CRM writes in the outbox, by state (pending: waiting for the CRM; delivering: at the CRM; failed: parked).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const summary = await outbox();
        this.reset();
        for (const state of ['pending', 'delivering', 'failed']) {
          this.set({ state }, summary.find((row) => row.state === state)?.count ?? 0);
        }
      },
    });
    new Gauge({
      name: 'app_connect_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest CRM write still waiting for the CRM (0 when none waits).',
      registers: [this.registry],
      async collect() {
        const oldest = (await outbox()).find((row) => row.state === 'pending')?.oldest;
        this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', async (request, reply) => {
      // Unmatched paths share one label, so scanners cannot grow the series without bound.
      const route = requestFacts(request).route ?? 'unmatched';
      this.httpDuration.observe(
        { method: request.method, route, status_class: statusClass(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }

  crmRequest(event: CrmRequestEvent): void {
    this.crmDuration.observe({ connector: event.connector, operation: event.operation, status: event.status }, event.seconds);
    if (event.error !== undefined) {
      this.recentErrors.add({ connector: event.connector, operation: event.operation, status: event.status, message: event.error, at: new Date() });
    }
  }

  crmRateLimited(connector: string, operation: string): void {
    this.rateLimited.inc({ connector, operation });
  }

  outboxDelivered(kind: string): void {
    this.delivered.inc({ kind });
  }

  outboxFailed(kind: string, reason: OutboxFailureReason): void {
    this.failed.inc({ kind, reason });
  }

  lockWaited(lock: string, seconds: number): void {
    this.lockWait.observe({ lock }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
