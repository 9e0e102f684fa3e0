import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LocalCrmDemoSeeder } from './local-crm-demo-seeder.js';
import { LocalCrmIdempotency1763700004100 } from './local-crm-idempotency.migration.js';
import { LocalCrmSchema1763700000100 } from './local-crm-schema.migration.js';
import { LocalCrmActivityEntity, LocalCrmContactEntity } from './local-crm.entities.js';
import { LocalCrmConnector } from './local-crm.connector.js';
import { LocalCrmStore } from './local-crm.store.js';

@Module({
  imports: [TypeOrmModule.forFeature([LocalCrmContactEntity, LocalCrmActivityEntity])],
  providers: [LocalCrmStore, LocalCrmConnector, LocalCrmDemoSeeder],
  exports: [LocalCrmStore],
})
export class LocalCrmModule {
  /** The local CRM's own tables, run with the core's migrations (see AppModule). */
  static readonly migrations = [LocalCrmSchema1763700000100, LocalCrmIdempotency1763700004100];
}
