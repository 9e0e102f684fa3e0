import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AccountDataController } from './account-data.controller.js';
import { AccountDataService } from './account-data.service.js';

/** /accountData: account-level CRM data, cached per CRM account. */
@Module({
  imports: [RepositoriesModule, AuthModule, ConnectorsModule],
  controllers: [AccountDataController],
  providers: [AccountDataService],
})
export class AccountDataModule {}
