import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Health probes and Prometheus metrics. */
@Module({
  imports: [RepositoriesModule, TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class ObservabilityModule {}
