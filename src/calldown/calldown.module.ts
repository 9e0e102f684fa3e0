import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CalldownController } from './calldown.controller.js';
import { CalldownService } from './calldown.service.js';

/** /calldown: the user's call-back list. */
@Module({
  imports: [RepositoriesModule, AuthModule],
  controllers: [CalldownController],
  providers: [CalldownService],
})
export class CalldownModule {}
