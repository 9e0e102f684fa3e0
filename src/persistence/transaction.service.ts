import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Where a transaction's queries run. Opaque to services: they hand it back to repository
 * methods, which run their statements on `manager`.
 */
export interface LockScope {
  readonly manager: EntityManager;
}

/**
 * Runs a few writes as one short transaction on PostgreSQL (one commit, all or nothing),
 * e.g. recording a CRM write's outcome together with removing its outbox row. Never
 * around a CRM call. SQLite runs them in order on its shared connection, where a
 * transaction would take in other requests' statements: callers order them so that
 * stopping between any two is safe.
 */
@Injectable()
export class TransactionService {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** Runs a few writes as one transaction whose commit is flushed before it resolves (PostgreSQL). */
  runDurably<T>(work: (scope: LockScope) => Promise<T>): Promise<T> {
    if (!this.postgres) return work({ manager: this.dataSource.manager });
    return this.dataSource.transaction((manager) => work({ manager }));
  }

  /**
   * Records what a CRM write did. On PostgreSQL the commit does not wait for
   * its WAL flush (synchronous_commit off for this transaction only): a database crash in
   * the fraction of a second before the flush loses the outcome but not the outbox row,
   * which then stays claimed and is reconciled by its idempotency key, exactly as after a
   * crash of ours. The intent recorded before the CRM call is always flushed first.
   */
  runOutcome<T>(work: (scope: LockScope) => Promise<T>): Promise<T> {
    if (!this.postgres) return work({ manager: this.dataSource.manager });
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL synchronous_commit TO OFF');
      return work({ manager });
    });
  }
}
