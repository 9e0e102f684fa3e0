import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { requestFacts } from '../common/request-context.js';

/** Labels stay few and bounded: a route template, never a URL; a status class, never a user. */
const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;

/**
 * The server's Prometheus metrics. A registry of its own per application, so two test
 * apps in one process (or an embedder's own metrics) never collide.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'app_connect_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(private readonly adapterHost: HttpAdapterHost) {
    collectDefaultMetrics({ register: this.registry, prefix: 'app_connect_' });
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

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
