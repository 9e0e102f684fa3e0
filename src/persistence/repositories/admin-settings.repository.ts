import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { AdminSettingsEntity } from '../entities/admin-settings.entity.js';

@Injectable()
export class AdminSettingsRepository {
  constructor(@InjectRepository(AdminSettingsEntity) private readonly accounts: Repository<AdminSettingsEntity>) {}

  /** The account's settings document, or null when its admins saved none. */
  async find(accountId: string): Promise<Record<string, unknown> | null> {
    const row = await this.accounts.findOne({ where: { accountId }, select: { settings: true } });
    return row?.settings ?? null;
  }

  /** Replaces the account's settings document as a whole. */
  async replace(accountId: string, settings: Record<string, unknown>): Promise<void> {
    await this.accounts
      .createQueryBuilder()
      .insert()
      .values({ accountId, settings, updatedAt: new Date() } as QueryDeepPartialEntity<AdminSettingsEntity>)
      .orUpdate(['settings', 'updatedAt'], ['accountId'], { skipUpdateIfNoValuesChanged: false })
      .updateEntity(false)
      .execute();
  }
}
