import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { ContactInfo } from '../../common/crm-types.js';
import { ContactCacheEntity } from '../entities/contact-cache.entity.js';

/** Per-user cache of contact lookups, keyed by normalised number. */
@Injectable()
export class ContactCacheRepository {
  constructor(@InjectRepository(ContactCacheEntity) private readonly entries: Repository<ContactCacheEntity>) {}

  /** The cached contacts, or null when nothing is cached or the entry has expired. */
  async findFresh(userId: string, phoneNumber: string, now = new Date()): Promise<ContactInfo[] | null> {
    const entry = await this.entries.findOneBy({ userId, phoneNumber });
    // Expiry is checked here rather than in SQL so it does not depend on how each
    // driver stores and compares timestamps.
    return entry && entry.expiresAt.getTime() > now.getTime() ? entry.contacts : null;
  }

  /** Creates or replaces the entry; concurrent lookups of one number both succeed (last one wins). */
  async store(userId: string, phoneNumber: string, contacts: ContactInfo[], expiresAt: Date): Promise<void> {
    // The query builder's upsert, because it can skip the read-back by numeric id that
    // Repository.upsert does: see the SQLite note in data-source-options.ts.
    await this.entries
      .createQueryBuilder()
      .insert()
      .values({ userId, phoneNumber, contacts, expiresAt, updatedAt: new Date() } as QueryDeepPartialEntity<ContactCacheEntity>)
      .orUpdate(['contacts', 'expiresAt', 'updatedAt'], ['userId', 'phoneNumber'], { skipUpdateIfNoValuesChanged: false })
      .updateEntity(false)
      .execute();
  }

  async forget(userId: string, phoneNumber: string): Promise<void> {
    await this.entries.delete({ userId, phoneNumber });
  }

  /** Drops this user's expired entries; returns how many. */
  async deleteExpired(userId: string, now = new Date()): Promise<number> {
    const result = await this.entries.delete({ userId, expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}
