import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MessageLogEntity } from '../entities/message-log.entity.js';
import { FixedSql } from '../fixed-sql.js';
import type { LockScope } from '../transaction.service.js';

export type AcceptedMessage = Pick<
  MessageLogEntity,
  'platform' | 'userId' | 'messageId' | 'conversationId' | 'digestKey' | 'thirdPartyLogId'
>;

const ACCEPTED_FIELDS = ['platform', 'userId', 'messageId', 'conversationId', 'digestKey', 'thirdPartyLogId'] as const;

/** The "already logged" ledger: one row per RingCentral message the CRM accepted. */
@Injectable()
export class MessageLogsRepository {
  /** Every message log request runs these: fixed SQL, see fixed-sql.ts. */
  private readonly sql: FixedSql<MessageLogEntity>;
  private readonly findLoggedSql: string;
  private readonly insertColumns: string;

  constructor(@InjectRepository(MessageLogEntity) private readonly logs: Repository<MessageLogEntity>) {
    const sql = (this.sql = new FixedSql(logs));
    this.findLoggedSql =
      `SELECT ${sql.column('messageId')} FROM ${sql.table} ` +
      `WHERE ${sql.column('userId')} = :userId AND ${sql.column('messageId')} IN (:...messageIds)`;
    this.insertColumns = ACCEPTED_FIELDS.map((field) => sql.column(field)).join(', ');
  }

  /** Which of these message ids this user has already logged. */
  async findLoggedIds(userId: string, messageIds: string[], scope?: LockScope): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await this.sql.select(this.findLoggedSql, { userId, messageIds }, scope?.manager);
    return new Set(rows.map((row) => row.messageId));
  }

  /** Records accepted messages; ids already present are left alone, so a retried write is harmless. */
  async recordAccepted(rows: AcceptedMessage[], scope?: LockScope): Promise<void> {
    if (rows.length === 0) return;
    const parameters: Record<string, unknown> = {};
    const values = rows.map((row, index) => {
      const names = ACCEPTED_FIELDS.map((field) => `r${index}_${field}`);
      ACCEPTED_FIELDS.forEach((field, i) => (parameters[names[i]!] = row[field]));
      return `(${names.map((name) => `:${name}`).join(', ')})`;
    });
    await this.sql.run(
      `INSERT INTO ${this.sql.table} (${this.insertColumns}) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`,
      parameters,
      scope?.manager,
    );
  }

  findByDigest(userId: string, digestKey: string): Promise<MessageLogEntity[]> {
    return this.logs.find({ where: { userId, digestKey }, order: { id: 'ASC' } });
  }

  findByUser(userId: string): Promise<MessageLogEntity[]> {
    return this.logs.find({ where: { userId }, order: { id: 'ASC' } });
  }
}
