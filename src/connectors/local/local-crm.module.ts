import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LocalCrmDemoSeeder } from './local-crm-demo-seeder.js';
import { LocalCrmActivityEntity, LocalCrmContactEntity } from './local-crm.entities.js';
import { LocalCrmConnector } from './local-crm.connector.js';
import { LocalCrmStore } from './local-crm.store.js';

@Module({
  imports: [TypeOrmModule.forFeature([LocalCrmContactEntity, LocalCrmActivityEntity])],
  providers: [LocalCrmStore, LocalCrmConnector, LocalCrmDemoSeeder],
  exports: [LocalCrmStore],
})
export class LocalCrmModule {}
