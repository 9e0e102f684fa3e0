import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { MIGRATIONS } from './migrations/index.js';

/** TypeORM options for the configured store: a SQLite file by default, PostgreSQL for several instances. */
export function dataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE'>,
): DataSourceOptions {
  const common = { migrations: MIGRATIONS, migrationsRun: true, synchronize: false } as const;
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
