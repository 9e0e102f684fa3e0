import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { AccountDataEntity } from '../entities/account-data.entity.js';

export interface AccountDataKey {
  platform: string;
  accountKey: string;
  dataKey: string;
}

@Injectable()
export class AccountDataRepository {
  constructor(@InjectRepository(AccountDataEntity) private readonly entries: Repository<AccountDataEntity>) {}

  /** The stored value, fresh or not; the caller decides what an expired one is good for. */
  async find(key: AccountDataKey): Promise<{ value: unknown; expiresAt: Date } | null> {
    return this.entries.findOne({ where: { ...key }, select: { value: true, expiresAt: true } });
  }

  async store(key: AccountDataKey, value: unknown, expiresAt: Date): Promise<void> {
    await this.entries
      .createQueryBuilder()
      .insert()
      .values({ ...key, value, expiresAt, updatedAt: new Date() } as QueryDeepPartialEntity<AccountDataEntity>)
      .orUpdate(['value', 'expiresAt', 'updatedAt'], ['platform', 'accountKey', 'dataKey'], { skipUpdateIfNoValuesChanged: false })
      .updateEntity(false)
      .execute();
  }
}
