import { Module } from '@nestjs/common';
import { LocalCrmModule } from '../connectors/local/local-crm.module.js';
import { ConsoleController } from './console.controller.js';
import { ConsoleService } from './console.service.js';

/** /console: what a user's logs look like in the CRM, their outbox, and an operator's overview. */
@Module({
  imports: [LocalCrmModule],
  controllers: [ConsoleController],
  providers: [ConsoleService],
})
export class ConsoleModule {}
