import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CallNoteCacheEntity } from '../entities/call-note-cache.entity.js';

@Injectable()
export class CallNoteCacheRepository {
  constructor(@InjectRepository(CallNoteCacheEntity) private readonly notes: Repository<CallNoteCacheEntity>) {}

  /** Keeps the note (replacing an earlier one of the session) and drops every expired note. */
  async put(userId: string, sessionId: string, note: string, expiresAt: Date): Promise<void> {
    await this.notes
      .createQueryBuilder()
      .insert()
      .values({ userId, sessionId, note, expiresAt } as QueryDeepPartialEntity<CallNoteCacheEntity>)
      .orUpdate(['note', 'expiresAt'], ['userId', 'sessionId'], { skipUpdateIfNoValuesChanged: false })
      .updateEntity(false)
      .execute();
    await this.notes.delete({ expiresAt: LessThan(new Date()) });
  }

  async find(userId: string, sessionId: string, now = new Date()): Promise<string | undefined> {
    const row = await this.notes.findOne({ where: { userId, sessionId, expiresAt: MoreThan(now) }, select: { note: true } });
    return row?.note;
  }
}
