import { Module } from '@nestjs/common';

/** /contact: lookups with phone-number normalisation and a per-user cache, and contact creation. */
@Module({})
export class ContactsModule {}
