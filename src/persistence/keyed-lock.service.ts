import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { KeyedMutex } from '../common/keyed-mutex.js';

/**
 * Where the work done under a lock runs its queries. Opaque to services: they hand
 * it back to repository methods. On PostgreSQL it is the connection that holds the
 * advisory lock, so a lock holder never needs a second pooled connection (holding
 * one and waiting for another is how a full pool deadlocks).
 */
export interface LockScope {
  readonly manager: EntityManager;
}

/** Namespace of our advisory locks (two-int form, so it never meets single-bigint locks). */
const ADVISORY_LOCK_NAMESPACE = 730_662;

/**
 * Serialises work per key. Within one process a promise chain per key does it (the
 * only option on SQLite, whose single connection cannot interleave transactions). On
 * PostgreSQL a transaction-scoped advisory lock is taken as well, so server instances
 * sharing the database serialise too; the in-process chain in front keeps each
 * instance to one waiting connection per key. SQLite gets no transaction: its one
 * connection is shared by every request, so callers must order their writes to be
 * safe without one.
 */
@Injectable()
export class KeyedLockService {
  private readonly mutex = new KeyedMutex();
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  withLock<T>(key: string, work: (scope: LockScope) => Promise<T>): Promise<T> {
    return this.mutex.run(key, () =>
      this.postgres ? this.withAdvisoryLock(key, work) : work({ manager: this.dataSource.manager }),
    );
  }

  /**
   * pg_advisory_xact_lock inside a transaction on a dedicated connection: COMMIT or
   * ROLLBACK releases it, so a failed unlock can never leave a pooled connection
   * holding the key, and the writes made under the lock commit together.
   */
  private async withAdvisoryLock<T>(key: string, work: (scope: LockScope) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, key]);
        const result = await work({ manager: runner.manager });
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }
}
