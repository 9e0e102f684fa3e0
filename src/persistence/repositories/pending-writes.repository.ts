import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PendingWriteEntity } from '../entities/pending-write.entity.js';
import { UserEntity } from '../entities/user.entity.js';
import { FixedSql } from '../fixed-sql.js';
import type { LockScope } from '../transaction.service.js';
import { isUniqueViolation } from '../unique-violation.js';

export type NewPendingWrite = Pick<PendingWriteEntity, 'writeKey' | 'userId' | 'targetKey' | 'kind' | 'payload'>;

const NEW_FIELDS = ['writeKey', 'userId', 'targetKey', 'kind', 'payload', 'recordedAt', 'nextAttemptAt'] as const;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The outbox table. Every state change is one statement addressed by the write's
 * string key, so no transaction is needed on SQLite's shared connection and
 * instances sharing PostgreSQL decide claims by the rows themselves.
 */
@Injectable()
export class PendingWritesRepository {
  private readonly sql: FixedSql<PendingWriteEntity>;
  private readonly insertSql: string;
  private readonly insertClaimedSql: string;
  private readonly claimSql: string;
  private readonly renewSql: string;
  private readonly findSql: string;
  private readonly dueSql: string;
  private readonly followersSql: string;
  private readonly openSql: string;
  private readonly replacePayloadSql: string;
  private readonly rescheduleSql: string;
  private readonly rescheduleUnknownSql: string;
  private readonly failSql: string;
  private readonly removeSql: string;
  private readonly removePendingSql: string;
  private readonly expireSql: string;
  private readonly summarySql: string;
  private readonly byUserSql: string;
  private readonly byPlatformSql: string;
  private readonly recentErrorsSql: string;
  private readonly makeDueSql: string;
  private readonly reviveSql: string;

  constructor(@InjectRepository(PendingWriteEntity) writes: Repository<PendingWriteEntity>) {
    const sql = (this.sql = new FixedSql(writes));
    const col = (property: keyof PendingWriteEntity & string) => sql.column(property);
    const t = sql.table;
    const touched = `${col('updatedAt')} = CURRENT_TIMESTAMP`;
    const sameTarget = (alias: string) =>
      `${alias}.${col('userId')} = ${t}.${col('userId')} AND ${alias}.${col('targetKey')} = ${t}.${col('targetKey')}`;
    this.insertSql =
      `INSERT INTO ${t} (${NEW_FIELDS.map(col).join(', ')}) VALUES (${NEW_FIELDS.map((f) => `:${f}`).join(', ')}) ` +
      `RETURNING ${sql.allColumns}`;
    // Recorded and claimed in one statement when nothing else of the target is open: the
    // common case, one statement less on every write. The WHERE has its own parameters:
    // PostgreSQL types the SELECT list's as text and the comparisons' as varchar, and one
    // parameter cannot be both.
    this.insertClaimedSql =
      `INSERT INTO ${t} (${[...NEW_FIELDS, 'state', 'leaseUntil', 'attempts'].map((f) => col(f as keyof PendingWriteEntity & string)).join(', ')}) ` +
      `SELECT ${NEW_FIELDS.map((f) => `:${f}`).join(', ')}, 'delivering', :leaseUntil, 1 ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${t} e WHERE e.${col('userId')} = :openUserId AND e.${col('targetKey')} = :openTargetKey ` +
      `AND e.${col('state')} IN ('pending', 'delivering')) ` +
      `RETURNING ${sql.allColumns}`;
    this.findSql = `SELECT ${sql.allColumns} FROM ${t} WHERE ${col('writeKey')} = :writeKey`;
    // Only the oldest open write of a target may be claimed, so writes reach the CRM in
    // order; a delivering row whose lease ran out belongs to an instance that died, and
    // whatever it sent may have landed: the outcome is unknown.
    this.claimSql =
      `UPDATE ${t} SET ${col('state')} = 'delivering', ${col('leaseUntil')} = :leaseUntil, ` +
      `${col('attempts')} = ${col('attempts')} + 1, ` +
      `${col('outcomeUnknown')} = CASE WHEN ${col('state')} = 'delivering' THEN 1 ELSE ${col('outcomeUnknown')} END, ` +
      `${touched} ` +
      `WHERE ${col('writeKey')} = :writeKey ` +
      `AND (${col('state')} = 'pending' OR (${col('state')} = 'delivering' AND ${col('leaseUntil')} < :now)) ` +
      `AND NOT EXISTS (SELECT 1 FROM ${t} e WHERE ${sameTarget('e')} AND e.${col('id')} < ${t}.${col('id')} ` +
      `AND e.${col('state')} IN ('pending', 'delivering')) ` +
      `RETURNING ${sql.allColumns}`;
    // Extends the claims an instance still holds, all in one statement: each row only while it
    // is still delivering under the lease that instance gave it, so a claim another instance
    // took over (after this one stalled past its lease) is left alone.
    const held = sql.jsonObjectRows('held');
    this.renewSql =
      `UPDATE ${t} SET ${col('leaseUntil')} = :leaseUntil ` +
      `WHERE ${col('writeKey')} IN (SELECT h."key" FROM ${held} h) AND ${col('state')} = 'delivering' ` +
      `AND ${col('leaseUntil')} = (SELECT h."value" FROM ${held} h WHERE h."key" = ${t}.${col('writeKey')}) ` +
      `RETURNING ${col('writeKey')}`;
    this.dueSql =
      `SELECT ${col('writeKey')}, ${col('userId')} FROM ${t} ` +
      `WHERE (${col('state')} = 'pending' AND ${col('nextAttemptAt')} <= :now) ` +
      `OR (${col('state')} = 'delivering' AND ${col('leaseUntil')} < :now) ` +
      `ORDER BY ${col('id')} LIMIT 50`;
    this.followersSql =
      `SELECT ${sql.allColumns} FROM ${t} WHERE ${col('state')} = 'pending' ` +
      `AND ${col('userId')} = :userId AND ${col('targetKey')} = :targetKey ` +
      `AND ${col('id')} > (SELECT h.${col('id')} FROM ${t} h WHERE h.${col('writeKey')} = :writeKey) ` +
      `ORDER BY ${col('id')}`;
    this.openSql =
      `SELECT ${sql.allColumns} FROM ${t} WHERE ${col('userId')} = :userId AND ${col('targetKey')} = :targetKey ` +
      `AND ${col('state')} IN ('pending', 'delivering') ORDER BY ${col('id')}`;
    this.replacePayloadSql =
      `UPDATE ${t} SET ${col('payload')} = :payload, ${touched} ` +
      `WHERE ${col('writeKey')} = :writeKey AND ${col('state')} = 'delivering'`;
    const reschedule = (unknown: string) =>
      `UPDATE ${t} SET ${col('state')} = 'pending', ${col('leaseUntil')} = NULL, ${col('nextAttemptAt')} = :nextAttemptAt, ` +
      `${col('outcomeUnknown')} = ${unknown}, ${col('lastError')} = :lastError, ${touched} ` +
      `WHERE ${col('writeKey')} = :writeKey AND ${col('state')} = 'delivering'`;
    this.rescheduleSql = reschedule(col('outcomeUnknown'));
    this.rescheduleUnknownSql = reschedule('1');
    this.failSql =
      `UPDATE ${t} SET ${col('state')} = 'failed', ${col('leaseUntil')} = NULL, ${col('lastError')} = :lastError, ${touched} ` +
      `WHERE ${col('writeKey')} = :writeKey`;
    this.removeSql = `DELETE FROM ${t} WHERE ${col('writeKey')} = :writeKey`;
    this.removePendingSql = `DELETE FROM ${t} WHERE ${col('writeKey')} = :writeKey AND ${col('state')} = 'pending' RETURNING ${col('id')}`;
    // Pending only: a write at the CRM finishes (or its claim runs out and it is reconciled) first.
    this.expireSql =
      `UPDATE ${t} SET ${col('state')} = 'failed', ${touched} ` +
      `WHERE ${col('state')} = 'pending' AND ${col('recordedAt')} < :cutoff RETURNING ${sql.allColumns}`;
    this.summarySql =
      `SELECT ${col('state')} AS state, COUNT(*) AS count, MIN(${col('createdAt')}) AS oldest FROM ${t} GROUP BY ${col('state')}`;
    this.byUserSql = `SELECT ${sql.allColumns} FROM ${t} WHERE ${col('userId')} = :userId ORDER BY ${col('id')}`;
    // Operator reads: each write with its owner's platform.
    const users = new FixedSql(writes.manager.getRepository(UserEntity));
    const owned = `FROM ${t} w LEFT JOIN ${users.table} u ON u.${users.column('id')} = w.${col('userId')}`;
    this.byPlatformSql =
      `SELECT u.${users.column('platform')} AS platform, w.${col('state')} AS state, COUNT(*) AS count ${owned} ` +
      `GROUP BY u.${users.column('platform')}, w.${col('state')}`;
    this.recentErrorsSql =
      `SELECT u.${users.column('platform')} AS platform, w.${col('kind')} AS kind, w.${col('state')} AS state, ` +
      `w.${col('lastError')} AS "lastError", w.${col('updatedAt')} AS "updatedAt" ${owned} ` +
      `WHERE w.${col('lastError')} IS NOT NULL ORDER BY w.${col('updatedAt')} DESC LIMIT :limit`;
    // A user's retry: due now. The payload of a pending write is left alone (a delivery may fold
    // others into it); a failed one is no one's, so it may take the payload its handler reopened.
    this.makeDueSql =
      `UPDATE ${t} SET ${col('nextAttemptAt')} = :now, ${touched} ` +
      `WHERE ${col('writeKey')} = :writeKey AND ${col('userId')} = :userId AND ${col('state')} = 'pending' RETURNING ${col('id')}`;
    this.reviveSql =
      `UPDATE ${t} SET ${col('state')} = 'pending', ${col('nextAttemptAt')} = :now, ${col('leaseUntil')} = NULL, ` +
      `${col('payload')} = :payload, ${touched} ` +
      `WHERE ${col('writeKey')} = :writeKey AND ${col('userId')} = :userId AND ${col('state')} = 'failed' RETURNING ${col('id')}`;
  }

  /** Records the intent; it is due at once. */
  async enqueue(write: NewPendingWrite, now = Date.now()): Promise<PendingWriteEntity> {
    const values: Record<string, unknown> = { ...write, recordedAt: iso(now), nextAttemptAt: iso(now) };
    values.payload = this.sql.persistent('payload', write.payload);
    const [row] = await this.sql.select(this.insertSql, values);
    return row!;
  }

  /**
   * Records a write already claimed for delivery until `now + leaseMs`, if no other write
   * of its target is open; null otherwise (then enqueue it and wait for its turn).
   */
  async enqueueClaimed(write: NewPendingWrite, leaseMs: number, now = Date.now()): Promise<PendingWriteEntity | null> {
    const values: Record<string, unknown> = {
      ...write,
      recordedAt: iso(now),
      nextAttemptAt: iso(now),
      leaseUntil: iso(now + leaseMs),
      payload: this.sql.persistent('payload', write.payload),
      openUserId: write.userId,
      openTargetKey: write.targetKey,
    };
    try {
      const [row] = await this.sql.select(this.insertClaimedSql, values);
      return row ?? null;
    } catch (error) {
      // UQ_pending_writes_delivering: another instance claimed a write of the target meanwhile.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /**
   * Claims a write for delivery until `now + leaseMs`. Null when it is not the oldest
   * open write of its target, is not due, or another claimant won.
   */
  async claim(writeKey: string, leaseMs: number, now = Date.now()): Promise<PendingWriteEntity | null> {
    try {
      const [row] = await this.sql.select(this.claimSql, { writeKey, now: iso(now), leaseUntil: iso(now + leaseMs) });
      return row ?? null;
    } catch (error) {
      // UQ_pending_writes_delivering: another write of the same target is at the CRM.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /**
   * Renews claims until `now + leaseMs`: `held` maps each write key to the lease its claimant
   * holds. Resolves with the new lease and the keys renewed; a key missing from them is no
   * longer held under that lease (its delivery settled it, or another claimant took it over).
   */
  async renew(held: ReadonlyMap<string, string>, leaseMs: number, now = Date.now()): Promise<{ leaseUntil: string; renewed: Set<string> }> {
    const leaseUntil = iso(now + leaseMs);
    if (held.size === 0) return { leaseUntil, renewed: new Set() };
    const rows = await this.sql.select(this.renewSql, { held: JSON.stringify(Object.fromEntries(held)), leaseUntil });
    return { leaseUntil, renewed: new Set(rows.map((row) => row.writeKey)) };
  }

  async find(writeKey: string): Promise<PendingWriteEntity | null> {
    const [row] = await this.sql.select(this.findSql, { writeKey });
    return row ?? null;
  }

  /** Writes that are due, or whose claim expired, oldest first. */
  async due(now = Date.now()): Promise<Pick<PendingWriteEntity, 'writeKey' | 'userId'>[]> {
    const rows = await this.sql.select(this.dueSql, { now: iso(now) });
    return rows.map(({ writeKey, userId }) => ({ writeKey, userId }));
  }

  /** Pending writes of the same target queued behind a claimed one, oldest first. */
  followers(head: PendingWriteEntity): Promise<PendingWriteEntity[]> {
    const { userId, targetKey, writeKey } = head;
    return this.sql.select(this.followersSql, { userId, targetKey, writeKey });
  }

  /** Pending and delivering writes of a target, oldest first. */
  open(userId: string, targetKey: string): Promise<PendingWriteEntity[]> {
    return this.sql.select(this.openSql, { userId, targetKey });
  }

  async replacePayload(writeKey: string, payload: Record<string, unknown>): Promise<void> {
    await this.sql.run(this.replacePayloadSql, { writeKey, payload: this.sql.persistent('payload', payload) });
  }

  /** Gives a claimed write back to the queue, due at `nextAttemptAt`. */
  async reschedule(writeKey: string, nextAttemptAt: number, lastError: string, outcomeUnknown: boolean): Promise<void> {
    await this.sql.run(outcomeUnknown ? this.rescheduleUnknownSql : this.rescheduleSql, {
      writeKey,
      nextAttemptAt: iso(nextAttemptAt),
      lastError,
    });
  }

  /** Parks a write the CRM refused for good; kept for operators, never retried. */
  async fail(writeKey: string, lastError: string): Promise<void> {
    await this.sql.run(this.failSql, { writeKey, lastError });
  }

  /** The outcome is recorded: the writes are done. */
  async remove(writeKeys: string[], scope?: LockScope): Promise<void> {
    // One fixed statement per key: nearly always one, and no new SQL text per count.
    for (const writeKey of writeKeys) await this.sql.run(this.removeSql, { writeKey }, scope?.manager);
  }

  /** How many writes are in each state, and when the oldest of each was recorded (metrics, health). */
  async stateSummary(): Promise<{ state: string; count: number; oldest: Date | null }[]> {
    const rows = (await this.sql.run(this.summarySql, {})) as { state: string; count: string | number; oldest: string | Date | null }[];
    return rows.map((row) => ({ state: row.state, count: Number(row.count), oldest: toInstant(row.oldest) }));
  }

  /** Removes a write no delivery has claimed; false when one has (or it is gone). */
  async removePending(writeKey: string): Promise<boolean> {
    return (await this.sql.select(this.removePendingSql, { writeKey })).length > 0;
  }

  /** Marks failed, in one statement, the pending writes recorded before `cutoff`; returns them. */
  expire(cutoff: number): Promise<PendingWriteEntity[]> {
    return this.sql.select(this.expireSql, { cutoff: iso(cutoff) });
  }

  /** Makes a pending write of this user due now; false when it is not pending (or not theirs). */
  async makeDue(writeKey: string, userId: string, now = Date.now()): Promise<boolean> {
    return (await this.sql.select(this.makeDueSql, { writeKey, userId, now: iso(now) })).length > 0;
  }

  /** Puts a failed write of this user back in the queue, due now, with `payload`; false when it is not failed. */
  async revive(writeKey: string, userId: string, payload: Record<string, unknown>, now = Date.now()): Promise<boolean> {
    const values = { writeKey, userId, now: iso(now), payload: this.sql.persistent('payload', payload) };
    return (await this.sql.select(this.reviveSql, values)).length > 0;
  }

  /** Counts by the users' platform and state, for operators. */
  async summaryByPlatform(): Promise<{ platform: string; state: string; count: number }[]> {
    const rows = (await this.sql.run(this.byPlatformSql, {})) as { platform: string | null; state: string; count: string | number }[];
    return rows.map((row) => ({ platform: row.platform ?? '(unknown user)', state: row.state, count: Number(row.count) }));
  }

  /** The latest CRM failures the outbox holds, newest first, with the user's platform. */
  async recentErrors(limit: number): Promise<{ platform: string; kind: string; state: string; lastError: string; updatedAt: Date }[]> {
    const rows = (await this.sql.run(this.recentErrorsSql, { limit })) as {
      platform: string | null;
      kind: string;
      state: string;
      lastError: string;
      updatedAt: string | Date;
    }[];
    return rows.map((row) => ({ ...row, platform: row.platform ?? '(unknown user)', updatedAt: toInstant(row.updatedAt)! }));
  }

  findByUser(userId: string): Promise<PendingWriteEntity[]> {
    return this.sql.select(this.byUserSql, { userId });
  }
}

/** SQLite answers an aggregate over a datetime column as UTC text without a zone; PostgreSQL as a Date. */
function toInstant(value: string | Date | null): Date | null {
  if (value === null) return null;
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}
