import { Module } from '@nestjs/common';

/** /callLog: one CRM activity per RingCentral call session. */
@Module({})
export class CallLogModule {}
