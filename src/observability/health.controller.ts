import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { PendingWritesRepository } from '../persistence/repositories/pending-writes.repository.js';

interface JsonReply {
  status(code: number): JsonReply;
  send(body: unknown): void;
}

/** A write waiting longer than this is worth an operator's look (the CRM may be down, or refusing). */
const OUTBOX_AGE_WARNING_MS = 60 * 60_000;

/** How long a readiness probe waits for the database before calling it down. */
const DATABASE_TIMEOUT_MS = 2_000;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pendingWrites: PendingWritesRepository,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves HTTP', operationId: 'getHealthLive' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database answers and every migration is applied (503 otherwise)',
    operationId: 'getHealthReady',
  })
  async ready(@Res() reply: JsonReply): Promise<void> {
    // Terminus reports a failed check as a 503 exception carrying the per-check details;
    // they are sent as they are, not folded into the App Connect error envelope.
    try {
      reply.status(200).send(await this.checkReadiness());
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503).send(error.getResponse());
    }
  }

  private checkReadiness() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(DATABASE_TIMEOUT_MS),
      () =>
        this.indicators
          .check('migrations')
          .attempt(async () => {
            if (await this.dataSource.showMigrations()) throw new Error('migrations are pending');
          })
          .withTimeout(DATABASE_TIMEOUT_MS),
      // A backlog is the CRM's problem, not this instance's: it degrades readiness (still 200)
      // rather than failing it, so a CRM outage does not take every instance out of the pool.
      async () => {
        const session = this.indicators.check('outbox');
        let summary;
        try {
          summary = await this.pendingWrites.stateSummary();
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
        const count = (state: string) => summary.find((row) => row.state === state)?.count ?? 0;
        const oldest = summary.find((row) => row.state === 'pending')?.oldest;
        const oldestPendingSeconds = oldest ? Math.round((Date.now() - oldest.getTime()) / 1000) : 0;
        const data = { pending: count('pending'), delivering: count('delivering'), failed: count('failed'), oldestPendingSeconds };
        return oldestPendingSeconds * 1000 > OUTBOX_AGE_WARNING_MS ? session.degraded(data) : session.up(data);
      },
    ]);
  }
}
