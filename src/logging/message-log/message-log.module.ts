import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../../persistence/persistence.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { DeliveryModule } from '../../delivery/delivery.module.js';
import { MessageDigestWriteHandler } from './message-digest.write-handler.js';
import { MessageLogController } from './message-log.controller.js';
import { MessageLogService } from './message-log.service.js';

/** /messageLog: daily digests, group SMS, media, shared SMS. */
@Module({
  imports: [RepositoriesModule, AuthModule, DeliveryModule],
  controllers: [MessageLogController],
  providers: [MessageLogService, MessageDigestWriteHandler],
})
export class MessageLogModule {}
