import { Module } from '@nestjs/common';
import { SettingsService } from './settings.service.js';

/** The settings store and merge rules; routes live in the user and admin modules. */
@Module({
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
