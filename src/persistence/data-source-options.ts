import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import type { MigrationInterface } from 'typeorm';
import { allMigrations } from './migrations/index.js';

/**
 * TypeORM options for the configured store: a SQLite file by default, PostgreSQL for several instances.
 *
 * SQLite note for repositories: TypeORM's SQLite driver writes numeric parameters into
 * the SQL text (`WHERE "id" = 52`) instead of binding them, so a query on a numeric id
 * is new SQL for every row. Each one is prepared again (CPU) and parked in TypeORM's
 * 100-statement cache; an evicted statement's native memory is freed only when a full
 * GC collects its wrapper, so under load it piled up by the hundred megabytes. Hot
 * paths therefore address rows by their string keys (every logging table has a unique
 * one) and insert with `.updateEntity(false)`, which skips the read-back of generated
 * columns by id. test/sql-statement-reuse.e2e.spec.ts keeps them that way.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE' | 'DATABASE_ACQUIRE_TIMEOUT_MS'>,
  contributedMigrations: (new () => MigrationInterface)[] = [],
): DataSourceOptions {
  const common = { migrations: allMigrations(contributedMigrations), migrationsRun: true, synchronize: false } as const;
  if (config.DATABASE_URL.startsWith('sqlite:')) {
    const database = resolve(config.DATABASE_URL.slice('sqlite:'.length));
    mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      // WAL lets readers proceed while a digest is written; NORMAL sync is durable in WAL mode.
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
        // SQLite's own default page cache (2 MB). better-sqlite3 is built with 16 MB, which a
        // busy server fills and keeps as resident memory; pages beyond the cache still come
        // from the operating system's file cache.
        db.pragma('cache_size = -2000');
      },
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    extra: {
      max: config.DATABASE_POOL_SIZE,
      // A request waiting for a connection fails after this instead of hanging; no
      // connection is held across a CRM call, so waits are short unless the pool is spent.
      connectionTimeoutMillis: config.DATABASE_ACQUIRE_TIMEOUT_MS,
      ...(config.DATABASE_SCHEMA ? { options: `-c search_path=${config.DATABASE_SCHEMA}` } : {}),
    },
  };
}

const MIGRATION_LOCK_ID = 7_306_620_001;

/**
 * Connects and brings the schema up to date. On PostgreSQL the schema is created if
 * missing and migrations run under an advisory lock, so instances starting together
 * do not race each other.
 */
export async function initializeDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    if (options.schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
