import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { SettingsModule } from '../settings/settings.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialCipher } from './credential-cipher.service.js';
import { SessionTokenService } from './session-token.service.js';
import { SessionGuard } from './session.guard.js';
import { SessionStatusController } from './session-status.controller.js';
import { SessionStatusService } from './session-status.service.js';

/** Global so every feature module can guard its routes with @RequiresSession(). */
@Global()
@Module({
  imports: [JwtModule.register({}), SettingsModule],
  controllers: [AuthController, SessionStatusController],
  providers: [AuthService, CredentialCipher, SessionTokenService, SessionGuard, SessionStatusService],
  exports: [AuthService, CredentialCipher, SessionTokenService, SessionGuard],
})
export class AuthModule {}
