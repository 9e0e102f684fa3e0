import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { JwtModule } from '@nestjs/jwt';
import { SettingsModule } from '../settings/settings.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialCipher } from './credential-cipher.service.js';
import { SessionTokenService } from './session-token.service.js';
import { SessionGuard } from './session.guard.js';
import { SessionStatusController } from './session-status.controller.js';
import { SessionStatusService } from './session-status.service.js';

/** Sessions: sign-in, the session guard behind @RequiresSession(), and CRM credentials. */
@Module({
  imports: [JwtModule.register({}), SettingsModule, RepositoriesModule, ConnectorsModule],
  controllers: [AuthController, SessionStatusController],
  providers: [AuthService, CredentialCipher, SessionTokenService, SessionGuard, SessionStatusService],
  exports: [AuthService, CredentialCipher, SessionTokenService, SessionGuard],
})
export class AuthModule {}
