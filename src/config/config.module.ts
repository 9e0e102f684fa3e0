import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { AppConfig, loadAppConfig } from './app-config.js';

@Global()
@Module({})
export class ConfigModule {
  /** `config` lets tests (and embedders) supply a ready configuration instead of process.env. */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        {
          provide: AppConfig,
          useFactory: () => {
            const resolved = config ?? loadAppConfig();
            if (resolved.usesDevelopmentSecret && resolved.NODE_ENV !== 'test') {
              new Logger('Config').warn(
                'APP_SERVER_SECRET_KEY is not set: using the development secret. Set it before exposing this server.',
              );
            }
            if (resolved.usesDevelopmentHashKey && resolved.NODE_ENV !== 'test') {
              new Logger('Config').warn(
                'HASH_KEY is not set: using the development hash key. Set it before exposing this server; changing it later orphans stored account settings.',
              );
            }
            return resolved;
          },
        },
      ],
      exports: [AppConfig],
    };
  }
}
