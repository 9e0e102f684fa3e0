import { Module } from '@nestjs/common';

/** /messageLog: daily digests, group SMS, media, shared SMS. */
@Module({})
export class MessageLogModule {}
