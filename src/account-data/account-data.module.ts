import { Module } from '@nestjs/common';
import { AccountDataController } from './account-data.controller.js';
import { AccountDataService } from './account-data.service.js';

/** /accountData: account-level CRM data, cached per CRM account. */
@Module({
  controllers: [AccountDataController],
  providers: [AccountDataService],
})
export class AccountDataModule {}
