import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { SettingsService } from './settings.service.js';

/** The settings store and merge rules; routes live in the user and admin modules. */
@Module({
  imports: [RepositoriesModule],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
