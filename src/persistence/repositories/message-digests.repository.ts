import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MessageDigestEntity } from '../entities/message-digest.entity.js';
import { FixedSql } from '../fixed-sql.js';
import type { SentContent } from '../sent-content.js';
import type { LockScope } from '../transaction.service.js';

export type NewMessageDigest = Pick<
  MessageDigestEntity,
  'userId' | 'digestKey' | 'conversationId' | 'contactId' | 'logDate' | 'thirdPartyLogId' | 'entries' | 'sentSubject' | 'sentBody'
>;

const NEW_DIGEST_FIELDS = [
  'userId',
  'digestKey',
  'conversationId',
  'contactId',
  'logDate',
  'thirdPartyLogId',
  'entries',
  'sentSubject',
  'sentBody',
] as const;

/** Digest rows: which CRM activity holds a conversation's day (or a shared thread), and its entries. */
@Injectable()
export class MessageDigestsRepository {
  /**
   * Every message log request runs these: fixed SQL (see fixed-sql.ts), rows addressed
   * by their unique string key (see the SQLite note in data-source-options.ts).
   */
  private readonly sql: FixedSql<MessageDigestEntity>;
  private readonly findByKeySql: string;
  private readonly insertSql: string;
  private readonly replaceEntriesSql: string;

  constructor(@InjectRepository(MessageDigestEntity) private readonly digests: Repository<MessageDigestEntity>) {
    const sql = (this.sql = new FixedSql(digests));
    const byKey = `${sql.column('userId')} = :userId AND ${sql.column('digestKey')} = :digestKey`;
    this.findByKeySql = `SELECT ${sql.allColumns} FROM ${sql.table} WHERE ${byKey}`;
    this.insertSql =
      `INSERT INTO ${sql.table} (${NEW_DIGEST_FIELDS.map((field) => sql.column(field)).join(', ')}) ` +
      `VALUES (${NEW_DIGEST_FIELDS.map((field) => `:${field}`).join(', ')})`;
    this.replaceEntriesSql =
      `UPDATE ${sql.table} SET ${sql.column('entries')} = :entries, ` +
      `${sql.column('sentSubject')} = :sentSubject, ${sql.column('sentBody')} = :sentBody, ${sql.column('updatedAt')} = CURRENT_TIMESTAMP ` +
      `WHERE ${byKey}`;
  }

  async findByKey(userId: string, digestKey: string, scope?: LockScope): Promise<MessageDigestEntity | null> {
    const [digest] = await this.sql.select(this.findByKeySql, { userId, digestKey }, scope?.manager);
    return digest ?? null;
  }

  async create(digest: NewMessageDigest, scope?: LockScope): Promise<void> {
    const parameters = Object.fromEntries(NEW_DIGEST_FIELDS.map((field) => [field, this.sql.persistent(field, digest[field])]));
    await this.sql.run(this.insertSql, parameters, scope?.manager);
  }

  async replaceEntries(
    userId: string,
    digestKey: string,
    entries: Record<string, unknown>[],
    sent: SentContent,
    scope?: LockScope,
  ): Promise<void> {
    const parameters = { userId, digestKey, entries: this.sql.persistent('entries', entries), sentSubject: sent.subject, sentBody: sent.body };
    await this.sql.run(this.replaceEntriesSql, parameters, scope?.manager);
  }

  /** The user's digests, newest first (console). */
  recentByUser(userId: string, limit: number): Promise<MessageDigestEntity[]> {
    return this.digests.find({ where: { userId }, order: { updatedAt: 'DESC', id: 'DESC' }, take: limit });
  }

  findByUser(userId: string): Promise<MessageDigestEntity[]> {
    return this.digests.find({ where: { userId }, order: { id: 'ASC' } });
  }
}
