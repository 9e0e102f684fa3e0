import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccountDataModule } from './account-data/account-data.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CalldownModule } from './calldown/calldown.module.js';
import { AppExceptionFilter } from './common/app-exception.filter.js';
import { AppValidationPipe } from './common/app-validation.pipe.js';
import { AppConfig, loadAppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConnectorsModule } from './connectors/connectors.module.js';
import { ConsoleModule } from './console/console.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { AppLogger, createRootLogger } from './logging-setup.js';
import { ManifestModule } from './manifest/manifest.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { UserModule } from './user/user.module.js';

@Module({})
export class AppModule {
  /**
   * `config` is for tests and embedders; the server reads process.env. `logStream`
   * replaces stdout as the log destination.
   */
  static forRoot(config: AppConfig = loadAppConfig(), options: { logStream?: NodeJS.WritableStream } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot({ migrations: ConnectorsModule.migrations }),
        LifecycleModule,
        ConnectorsModule,
        AuthModule,
        RateLimitModule,
        ManifestModule,
        ContactsModule,
        DeliveryModule,
        LoggingModule,
        UserModule,
        AdminModule,
        ObservabilityModule,
        CalldownModule,
        AccountDataModule,
        ConsoleModule,
      ],
      providers: [
        { provide: AppLogger, useValue: new AppLogger(createRootLogger(config, options.logStream)) },
        // As APP_* providers, tests built on the testing module run the production pipeline.
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
    };
  }
}
