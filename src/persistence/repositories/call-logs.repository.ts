import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { CallLogEntity } from '../entities/call-log.entity.js';
import { FixedSql } from '../fixed-sql.js';
import type { SentContent } from '../sent-content.js';
import type { LockScope } from '../transaction.service.js';
import { isUniqueViolation } from '../unique-violation.js';

/** One RingCentral call session of one extension, for one of our users. */
export interface CallSessionKey {
  userId: string;
  sessionId: string;
  /** hashedExtensionId, else extensionNumber, else '' */
  extensionKey: string;
}

/** A claim without a CRM log id after this long belongs to a create that died. */
export const STALE_CLAIM_MS = 10 * 60_000;

const CLAIM_FIELDS = ['userId', 'sessionId', 'extensionKey', 'contactId', 'details'] as const;

@Injectable()
export class CallLogsRepository {
  /**
   * Every call log request runs these: fixed SQL (see fixed-sql.ts), rows addressed by
   * their unique string key (see the SQLite note in data-source-options.ts).
   */
  private readonly sql: FixedSql<CallLogEntity>;
  private readonly findBySessionSql: string;
  private readonly claimSql: string;
  private readonly completeSql: string;
  private readonly updateDetailsSql: string;
  private readonly updateDetailsAndSentSql: string;

  constructor(@InjectRepository(CallLogEntity) private readonly callLogs: Repository<CallLogEntity>) {
    const sql = (this.sql = new FixedSql(callLogs));
    const byKey =
      `${sql.column('userId')} = :userId AND ${sql.column('sessionId')} = :sessionId ` +
      `AND ${sql.column('extensionKey')} = :extensionKey`;
    const touched = `${sql.column('updatedAt')} = CURRENT_TIMESTAMP`;
    const sent = `${sql.column('sentSubject')} = :sentSubject, ${sql.column('sentBody')} = :sentBody`;
    this.findBySessionSql = `SELECT ${sql.allColumns} FROM ${sql.table} WHERE ${byKey}`;
    // RETURNING (PostgreSQL, and SQLite since 3.35) reads the new row back in the same statement.
    this.claimSql =
      `INSERT INTO ${sql.table} (${CLAIM_FIELDS.map((field) => sql.column(field)).join(', ')}) ` +
      `VALUES (${CLAIM_FIELDS.map((field) => `:${field}`).join(', ')}) RETURNING ${sql.allColumns}`;
    this.completeSql =
      `UPDATE ${sql.table} SET ${sql.column('thirdPartyLogId')} = :thirdPartyLogId, ` +
      `${sql.column('details')} = :details, ${sent}, ${touched} WHERE ${byKey}`;
    this.updateDetailsSql = `UPDATE ${sql.table} SET ${sql.column('details')} = :details, ${touched} WHERE ${byKey}`;
    this.updateDetailsAndSentSql = `UPDATE ${sql.table} SET ${sql.column('details')} = :details, ${sent}, ${touched} WHERE ${byKey}`;
  }

  async findBySession(key: CallSessionKey): Promise<CallLogEntity | null> {
    const [row] = await this.sql.select(this.findBySessionSql, { ...key });
    return row ?? null;
  }

  findBySessions(userId: string, sessionIds: string[], extensionKey: string): Promise<CallLogEntity[]> {
    if (sessionIds.length === 0) return Promise.resolve([]);
    return this.callLogs.findBy({ userId, extensionKey, sessionId: In(sessionIds) });
  }

  /**
   * Claims the session before the CRM is called: the row goes in with no CRM log id,
   * and the unique index on the key lets exactly one claimant win, on either database
   * and across server instances. Null when the key is already claimed or logged.
   *
   * A claim left behind by an instance that died mid-create would block the session
   * forever, so a claim older than STALE_CLAIM_MS (far beyond any CRM timeout) is
   * taken over; the unique index again decides between several takers.
   */
  async claim(key: CallSessionKey, contactId: string, now = Date.now()): Promise<CallLogEntity | null> {
    const claimed = await this.tryInsert(key, contactId, now);
    if (claimed) return claimed;
    const existing = await this.findBySession(key);
    if (existing?.thirdPartyLogId) return null;
    if (existing) {
      const claimedAt = Number(existing.details?.claimedAt);
      if (!(now - claimedAt > STALE_CLAIM_MS)) return null;
      await this.release(existing.id);
    }
    return this.tryInsert(key, contactId, now);
  }

  private async tryInsert(key: CallSessionKey, contactId: string, now: number): Promise<CallLogEntity | null> {
    try {
      const [claimed] = await this.sql.select(this.claimSql, {
        ...key,
        contactId,
        details: this.sql.persistent('details', { claimedAt: now }),
      });
      return claimed ?? null;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Turns a claim into the mapping once the CRM returned its log id. */
  async complete(
    key: CallSessionKey,
    thirdPartyLogId: string,
    details: Record<string, unknown>,
    sent: SentContent,
    scope?: LockScope,
  ): Promise<void> {
    const parameters = {
      ...key,
      thirdPartyLogId,
      details: this.sql.persistent('details', details),
      sentSubject: sent.subject,
      sentBody: sent.body,
    };
    await this.sql.run(this.completeSql, parameters, scope?.manager);
  }

  /**
   * Gives a claim back (the CRM call failed, or it was left behind by a dead create) so
   * a retry can log the session. By id: another instance may have re-claimed the key.
   */
  async release(id: number): Promise<void> {
    await this.callLogs.delete({ id, thirdPartyLogId: IsNull() });
  }

  /** `sent`: what the accepted write carried; without it (a disposition) the last body stays. */
  async updateDetails(key: CallSessionKey, details: Record<string, unknown>, scope?: LockScope, sent?: SentContent): Promise<void> {
    const parameters = { ...key, details: this.sql.persistent('details', details) };
    if (!sent) return void (await this.sql.run(this.updateDetailsSql, parameters, scope?.manager));
    await this.sql.run(this.updateDetailsAndSentSql, { ...parameters, sentSubject: sent.subject, sentBody: sent.body }, scope?.manager);
  }

  /** The user's logged calls, newest first (console). */
  recentByUser(userId: string, limit: number): Promise<CallLogEntity[]> {
    return this.callLogs.find({ where: { userId }, order: { updatedAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
