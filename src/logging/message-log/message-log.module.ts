import { Module } from '@nestjs/common';
import { MessageDigestWriteHandler } from './message-digest.write-handler.js';
import { MessageLogController } from './message-log.controller.js';
import { MessageLogService } from './message-log.service.js';

/** /messageLog: daily digests, group SMS, media, shared SMS. */
@Module({
  controllers: [MessageLogController],
  providers: [MessageLogService, MessageDigestWriteHandler],
})
export class MessageLogModule {}
