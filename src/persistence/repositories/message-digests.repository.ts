import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { MessageDigestEntity } from '../entities/message-digest.entity.js';
import type { LockScope } from '../keyed-lock.service.js';

export type NewMessageDigest = Pick<
  MessageDigestEntity,
  'userId' | 'digestKey' | 'conversationId' | 'contactId' | 'logDate' | 'thirdPartyLogId' | 'entries'
>;

/** Digest rows: which CRM activity holds a conversation's day (or a shared thread), and its entries. */
@Injectable()
export class MessageDigestsRepository {
  constructor(@InjectRepository(MessageDigestEntity) private readonly digests: Repository<MessageDigestEntity>) {}

  findByKey(userId: string, digestKey: string, scope?: LockScope): Promise<MessageDigestEntity | null> {
    return this.repo(scope).findOneBy({ userId, digestKey });
  }

  async create(digest: NewMessageDigest, scope?: LockScope): Promise<void> {
    await this.repo(scope).insert(digest as QueryDeepPartialEntity<MessageDigestEntity>);
  }

  async replaceEntries(id: number, entries: Record<string, unknown>[], scope?: LockScope): Promise<void> {
    await this.repo(scope).update({ id }, { entries } as QueryDeepPartialEntity<MessageDigestEntity>);
  }

  findByUser(userId: string): Promise<MessageDigestEntity[]> {
    return this.digests.find({ where: { userId }, order: { id: 'ASC' } });
  }

  private repo(scope?: LockScope): Repository<MessageDigestEntity> {
    return scope ? scope.manager.getRepository(MessageDigestEntity) : this.digests;
  }
}
