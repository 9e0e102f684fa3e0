import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';

/** /contact: lookups with phone-number normalisation and a per-user cache, and contact creation. */
@Module({
  controllers: [ContactsController],
  providers: [ContactsService],
  // Message logging names group-SMS correspondents from the lookup cache.
  exports: [ContactsService],
})
export class ContactsModule {}
