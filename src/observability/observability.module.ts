import { Global, Module } from '@nestjs/common';
import { OperationsObserver } from '../common/operations-observer.js';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { RecentCrmErrors } from './recent-crm-errors.js';

/**
 * Health probes and Prometheus metrics. Global: the CRM HTTP client and the outbox report
 * to the OperationsObserver it provides without importing it.
 */
@Global()
@Module({
  imports: [RepositoriesModule, TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [MetricsService, RecentCrmErrors, { provide: OperationsObserver, useExisting: MetricsService }],
  exports: [MetricsService, RecentCrmErrors, OperationsObserver],
})
export class ObservabilityModule {}
