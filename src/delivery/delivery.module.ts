import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { ClaimRenewal } from './claim-renewal.js';
import { DeliveryService } from './delivery.service.js';
import { OutboxWorker } from './outbox-worker.service.js';

/** The durable write path: the outbox, its worker, reconciliation. Feature modules register write handlers. */
@Module({
  imports: [RepositoriesModule, AuthModule],
  providers: [ClaimRenewal, DeliveryService, OutboxWorker],
  exports: [DeliveryService, OutboxWorker],
})
export class DeliveryModule {}
