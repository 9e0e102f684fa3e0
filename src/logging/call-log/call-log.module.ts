import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../../persistence/persistence.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { DeliveryModule } from '../../delivery/delivery.module.js';
import { RingCentralModule } from '../../ringcentral/ringcentral.module.js';
import { CallLogController } from './call-log.controller.js';
import { CallLogService } from './call-log.service.js';
import { CallDispositionController } from './call-disposition.controller.js';
import { CallCreateWriteHandler, CallDispositionWriteHandler, CallUpdateWriteHandler } from './call-log.write-handlers.js';

/** /callLog: one CRM activity per RingCentral call session. */
@Module({
  imports: [RepositoriesModule, AuthModule, DeliveryModule, RingCentralModule],
  controllers: [CallLogController, CallDispositionController],
  providers: [CallLogService, CallCreateWriteHandler, CallUpdateWriteHandler, CallDispositionWriteHandler],
})
export class CallLogModule {}
