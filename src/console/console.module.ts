import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { LocalCrmModule } from '../connectors/local/local-crm.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { ConsoleController } from './console.controller.js';
import { ConsoleService } from './console.service.js';

/** /console: what a user's logs look like in the CRM, their outbox, and an operator's overview. */
@Module({
  imports: [AuthModule, ConnectorsModule, RepositoriesModule, DeliveryModule, LocalCrmModule],
  controllers: [ConsoleController],
  providers: [ConsoleService],
})
export class ConsoleModule {}
