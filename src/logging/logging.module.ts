import { Module } from '@nestjs/common';
import { CallLogModule } from './call-log/call-log.module.js';
import { MessageLogModule } from './message-log/message-log.module.js';

@Module({ imports: [CallLogModule, MessageLogModule] })
export class LoggingModule {}
