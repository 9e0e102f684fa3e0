import { Module } from '@nestjs/common';
import { MessageLogController } from './message-log.controller.js';
import { MessageLogService } from './message-log.service.js';

/** /messageLog: daily digests, group SMS, media, shared SMS. */
@Module({
  controllers: [MessageLogController],
  providers: [MessageLogService],
})
export class MessageLogModule {}
