import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RingCentralModule } from '../ringcentral/ringcentral.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { UserController } from './user.controller.js';
import { UserService } from './user.service.js';

@Module({
  imports: [AuthModule, RingCentralModule, SettingsModule],
  controllers: [UserController],
  providers: [UserService],
})
export class UserModule {}
