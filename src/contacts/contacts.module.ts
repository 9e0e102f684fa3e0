import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../persistence/persistence.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';

/** /contact: lookups with phone-number normalisation and a per-user cache, and contact creation. */
@Module({
  imports: [RepositoriesModule, AuthModule],
  controllers: [ContactsController],
  providers: [ContactsService],
  // Message logging names group-SMS correspondents from the lookup cache.
  exports: [ContactsService],
})
export class ContactsModule {}
