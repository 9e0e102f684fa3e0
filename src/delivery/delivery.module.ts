import { Global, Module } from '@nestjs/common';
import { DeliveryService } from './delivery.service.js';
import { OutboxWorker } from './outbox-worker.service.js';

/** The durable write path: the outbox, its worker, reconciliation. Feature modules register write handlers. */
@Global()
@Module({
  providers: [DeliveryService, OutboxWorker],
  exports: [DeliveryService, OutboxWorker],
})
export class DeliveryModule {}
