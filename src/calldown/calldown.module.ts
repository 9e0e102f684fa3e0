import { Module } from '@nestjs/common';
import { CalldownController } from './calldown.controller.js';
import { CalldownService } from './calldown.service.js';

/** /calldown: the user's call-back list. */
@Module({
  controllers: [CalldownController],
  providers: [CalldownService],
})
export class CalldownModule {}
