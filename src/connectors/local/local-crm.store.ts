import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { LocalCrmActivityEntity, LocalCrmContactEntity } from './local-crm.entities.js';

/** The local CRM's own tables: what a real CRM keeps behind its REST API. */
@Injectable()
export class LocalCrmStore {
  constructor(
    @InjectRepository(LocalCrmContactEntity)
    private readonly contacts: Repository<LocalCrmContactEntity>,
    @InjectRepository(LocalCrmActivityEntity)
    private readonly activities: Repository<LocalCrmActivityEntity>,
  ) {}

  countContacts(): Promise<number> {
    return this.contacts.count();
  }

  findContactsByE164(numbers: string[]): Promise<LocalCrmContactEntity[]> {
    if (numbers.length === 0) return Promise.resolve([]);
    return this.contacts.find({ where: { phoneE164: In(numbers) }, order: { id: 'ASC' } });
  }

  /** Contacts whose name contains the text, ignoring case; the first 50 by id. */
  findContactsByName(text: string): Promise<LocalCrmContactEntity[]> {
    const escaped = text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`);
    return this.contacts
      .createQueryBuilder('contact')
      .where("LOWER(contact.name) LIKE :pattern ESCAPE '\\'", { pattern: `%${escaped}%` })
      .orderBy('contact.id', 'ASC')
      .limit(50)
      .getMany();
  }

  /** The first contacts by id (the console lists them). */
  listContacts(limit: number): Promise<LocalCrmContactEntity[]> {
    return this.contacts.find({ order: { id: 'ASC' }, take: limit });
  }

  findContactById(id: string): Promise<LocalCrmContactEntity | null> {
    const numericId = Number(id);
    return Number.isInteger(numericId) ? this.contacts.findOneBy({ id: numericId }) : Promise.resolve(null);
  }

  createContact(contact: Omit<LocalCrmContactEntity, 'id' | 'createdAt'>): Promise<LocalCrmContactEntity> {
    return this.contacts.save(this.contacts.create(contact));
  }

  createActivity(
    activity: Omit<LocalCrmActivityEntity, 'id' | 'createdAt' | 'updatedAt'>,
  ): Promise<LocalCrmActivityEntity> {
    return this.activities.save(this.activities.create(activity));
  }

  findActivity(ownerId: string, id: string): Promise<LocalCrmActivityEntity | null> {
    const numericId = Number(id);
    return Number.isInteger(numericId)
      ? this.activities.findOneBy({ id: numericId, ownerId })
      : Promise.resolve(null);
  }

  findActivityByIdempotencyKey(ownerId: string, idempotencyKey: string): Promise<LocalCrmActivityEntity | null> {
    return this.activities.findOneBy({ ownerId, idempotencyKey });
  }

  /** Updates an activity of this owner; false when there is none. */
  async updateActivity(
    ownerId: string,
    id: string,
    changes: Partial<Pick<LocalCrmActivityEntity, 'subject' | 'body' | 'details'>>,
  ): Promise<boolean> {
    const numericId = Number(id);
    if (!Number.isInteger(numericId)) return false;
    const result = await this.activities.update(
      { id: numericId, ownerId },
      changes as QueryDeepPartialEntity<LocalCrmActivityEntity>,
    );
    return (result.affected ?? 0) > 0;
  }

  listActivities(ownerId: string, kind?: 'call' | 'message'): Promise<LocalCrmActivityEntity[]> {
    return this.activities.find({ where: { ownerId, ...(kind ? { kind } : {}) }, order: { id: 'ASC' } });
  }
}
