import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RingCentralModule } from '../ringcentral/ringcentral.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { AdminController } from './admin.controller.js';
import { AdminService } from './admin.service.js';

@Module({
  imports: [AuthModule, RingCentralModule, SettingsModule],
  controllers: [AdminController],
  providers: [AdminService],
})
export class AdminModule {}
