import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MessageLogEntity } from '../entities/message-log.entity.js';
import type { LockScope } from '../keyed-lock.service.js';

export type AcceptedMessage = Pick<
  MessageLogEntity,
  'platform' | 'userId' | 'messageId' | 'conversationId' | 'digestKey' | 'thirdPartyLogId'
>;

/** The "already logged" ledger: one row per RingCentral message the CRM accepted. */
@Injectable()
export class MessageLogsRepository {
  constructor(@InjectRepository(MessageLogEntity) private readonly logs: Repository<MessageLogEntity>) {}

  /** Which of these message ids this user has already logged. */
  async findLoggedIds(userId: string, messageIds: string[], scope?: LockScope): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await this.repo(scope).find({
      select: { messageId: true },
      where: { userId, messageId: In(messageIds) },
    });
    return new Set(rows.map((row) => row.messageId));
  }

  /** Records accepted messages; ids already present are left alone, so a retried write is harmless. */
  async recordAccepted(rows: AcceptedMessage[], scope?: LockScope): Promise<void> {
    if (rows.length === 0) return;
    await this.repo(scope).createQueryBuilder().insert().values(rows).orIgnore().execute();
  }

  findByDigest(userId: string, digestKey: string): Promise<MessageLogEntity[]> {
    return this.logs.find({ where: { userId, digestKey }, order: { id: 'ASC' } });
  }

  findByUser(userId: string): Promise<MessageLogEntity[]> {
    return this.logs.find({ where: { userId }, order: { id: 'ASC' } });
  }

  private repo(scope?: LockScope): Repository<MessageLogEntity> {
    return scope ? scope.manager.getRepository(MessageLogEntity) : this.logs;
  }
}
