import type { DynamicModule, ModuleMetadata, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { scratchSchema } from './scratch-schema.js';
import { AppModule } from '../../src/app.module.js';
import { type AppConfig, loadAppConfig } from '../../src/config/app-config.js';
import { configureHttpApp, createHttpAdapter } from '../../src/http-app.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-production-0123456789';

/** Where a test app keeps its data: a fresh SQLite file, or a fresh schema of TEST_DATABASE_URL. */
export interface TestDatabase {
  DATABASE_URL: string;
  DATABASE_SCHEMA?: string;
  dispose(): Promise<void>;
}

export const usesPostgres = (): boolean => /^postgres(ql)?:\/\//.test(process.env.TEST_DATABASE_URL ?? '');

export function createTestDatabase(): TestDatabase {
  const url = process.env.TEST_DATABASE_URL;
  if (url && usesPostgres()) {
    const { schema, drop } = scratchSchema(url, 't');
    return { DATABASE_URL: url, DATABASE_SCHEMA: schema, dispose: drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'app-connect-test-'));
  return {
    DATABASE_URL: `sqlite:${join(dir, 'test.sqlite')}`,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestAppOptions {
  /** Configuration overrides, as environment strings. */
  env?: Record<string, string>;
  /** Extra modules, e.g. one holding a fake @Connector(). */
  imports?: ModuleMetadata['imports'];
  /** Reuse another app's database (two instances sharing one PostgreSQL). */
  database?: TestDatabase;
  /** Where the app writes its log lines (LOG_LEVEL silent unless env sets it). */
  logStream?: NodeJS.WritableStream;
  /** Hook to override providers before compiling. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  database: TestDatabase;
  /** supertest agent bound to the app's HTTP server */
  http: ReturnType<typeof request>;
  get<T>(token: Type<T> | string | symbol): T;
  /** Logs in through POST /apiKeyLogin and returns the JWT. */
  login(platform?: string, apiKey?: string, extra?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Compiles the real AppModule on a fresh database, with the production HTTP pipeline. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  const database = options.database ?? createTestDatabase();
  const config = loadAppConfig(
    {},
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      APP_SERVER_SECRET_KEY: TEST_SECRET,
      DATABASE_URL: database.DATABASE_URL,
      DATABASE_SCHEMA: database.DATABASE_SCHEMA,
      LOCAL_CRM_API_KEYS: 'demo=Demo User,second=Second User',
      // Tests log in and call far faster than a person; the rate-limit test turns these on.
      RATE_LIMIT_PER_CLIENT: '0',
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_LOGIN_PER_CLIENT: '0',
      ...options.env,
    },
  );
  const root: DynamicModule = AppModule.forRoot(config, { logStream: options.logStream });
  let builder = Test.createTestingModule({ imports: [root, ...(options.imports ?? [])] });
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    logger: false,
  });
  configureHttpApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = request(app.getHttpServer());
  return {
    app,
    config,
    database,
    http,
    get: <T>(token: Type<T> | string | symbol) => app.get<T>(token as Type<T>, { strict: false }),
    login: async (platform = 'local', apiKey = 'demo', extra = {}) => {
      const response = await request(app.getHttpServer())
        .post('/apiKeyLogin')
        .send({ platform, apiKey, ...extra });
      if (response.status !== 200) {
        throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.body.jwtToken as string;
    },
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.dispose();
    },
  };
}
