import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Not, Repository, type FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CalldownEntryEntity } from '../entities/calldown-entry.entity.js';

export type CalldownFields = Partial<
  Pick<CalldownEntryEntity, 'contactId' | 'contactType' | 'contactName' | 'phoneNumber' | 'note' | 'status' | 'scheduledAt' | 'lastCallAt'>
>;

/** Which entries a list shows: only called ones, only the others, or all. */
export type CalldownFilter = 'called' | 'notCalled' | 'all';

/** Every query is scoped by user: an entry is never visible or changeable by another. */
@Injectable()
export class CalldownRepository {
  constructor(@InjectRepository(CalldownEntryEntity) private readonly entries: Repository<CalldownEntryEntity>) {}

  async create(userId: string, fields: CalldownFields): Promise<string> {
    const id = randomUUID();
    await this.entries.insert({ status: 'scheduled', ...fields, id, userId } as QueryDeepPartialEntity<CalldownEntryEntity>);
    return id;
  }

  list(userId: string, filter: CalldownFilter): Promise<CalldownEntryEntity[]> {
    const where: FindOptionsWhere<CalldownEntryEntity> = { userId };
    if (filter === 'called') where.status = 'called';
    if (filter === 'notCalled') where.status = Not('called');
    // Unscheduled entries last, then by creation, so the order is stable on both stores.
    return this.entries.find({ where, order: { scheduledAt: { direction: 'ASC', nulls: 'LAST' }, createdAt: 'ASC' } });
  }

  /** False when the user has no entry with this id. */
  async update(userId: string, id: string, fields: CalldownFields): Promise<boolean> {
    const result = await this.entries.update({ id, userId }, { ...fields, updatedAt: new Date() } as QueryDeepPartialEntity<CalldownEntryEntity>);
    return (result.affected ?? 0) > 0;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.entries.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
