import { type DynamicModule, Module } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, initializeDataSource } from './data-source-options.js';
import { CallLogEntity } from './entities/call-log.entity.js';
import { ContactCacheEntity } from './entities/contact-cache.entity.js';
import { MessageDigestEntity } from './entities/message-digest.entity.js';
import { MessageLogEntity } from './entities/message-log.entity.js';
import { AccountDataEntity } from './entities/account-data.entity.js';
import { AdminSettingsEntity } from './entities/admin-settings.entity.js';
import { CalldownEntryEntity } from './entities/calldown-entry.entity.js';
import { CallNoteCacheEntity } from './entities/call-note-cache.entity.js';
import { UserSettingEntity } from './entities/user-setting.entity.js';
import { PendingWriteEntity } from './entities/pending-write.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { AccountDataRepository } from './repositories/account-data.repository.js';
import { AdminSettingsRepository } from './repositories/admin-settings.repository.js';
import { CalldownRepository } from './repositories/calldown.repository.js';
import { CallNoteCacheRepository } from './repositories/call-note-cache.repository.js';
import { UserSettingsRepository } from './repositories/user-settings.repository.js';
import { CallLogsRepository } from './repositories/call-logs.repository.js';
import { ContactCacheRepository } from './repositories/contact-cache.repository.js';
import { UsersRepository } from './repositories/users.repository.js';
import { MessageDigestsRepository } from './repositories/message-digests.repository.js';
import { MessageLogsRepository } from './repositories/message-logs.repository.js';
import { PendingWritesRepository } from './repositories/pending-writes.repository.js';
import { TransactionService } from './transaction.service.js';

const CORE_ENTITIES = [
  UserEntity,
  CallLogEntity,
  MessageLogEntity,
  MessageDigestEntity,
  ContactCacheEntity,
  UserSettingEntity,
  AdminSettingsEntity,
  CalldownEntryEntity,
  AccountDataEntity,
  PendingWriteEntity,
  CallNoteCacheEntity,
];
const REPOSITORIES = [
  UsersRepository,
  CallLogsRepository,
  MessageLogsRepository,
  MessageDigestsRepository,
  ContactCacheRepository,
  UserSettingsRepository,
  AdminSettingsRepository,
  CalldownRepository,
  AccountDataRepository,
  PendingWritesRepository,
  TransactionService,
  CallNoteCacheRepository,
];

/**
 * The core's repositories. Feature modules import this for the tables they use; the
 * connection itself is set up once by PersistenceModule.forRoot in the root module.
 */
@Module({
  imports: [TypeOrmModule.forFeature(CORE_ENTITIES)],
  providers: REPOSITORIES,
  exports: REPOSITORIES,
})
export class RepositoriesModule {}

/** The database connection and its migrations (TypeORM's root, which Nest shares with every module). */
@Module({})
export class PersistenceModule {
  /**
   * `migrations`: what modules with tables of their own (the local CRM) contribute; they
   * run with the core's in one timeline, so persistence needs to know no connector.
   */
  static forRoot(options: { migrations?: (new () => MigrationInterface)[] } = {}): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config, options.migrations),
            // Feature modules (the local CRM) register their own entities with forFeature.
            autoLoadEntities: true,
            migrationsRun: false,
          }),
          dataSourceFactory: async (dataSourceOptions) => initializeDataSource(dataSourceOptions!),
        }),
      ],
    };
  }
}
