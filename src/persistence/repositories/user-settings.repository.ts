import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { UserSettings } from '../../common/user-settings.js';
import { UserSettingEntity } from '../entities/user-setting.entity.js';

@Injectable()
export class UserSettingsRepository {
  constructor(@InjectRepository(UserSettingEntity) private readonly settings: Repository<UserSettingEntity>) {}

  async findForUser(userId: string): Promise<UserSettings> {
    const rows = await this.settings.find({ where: { userId }, select: { settingKey: true, setting: true } });
    return Object.fromEntries(rows.map((row) => [row.settingKey, row.setting]));
  }

  /**
   * Writes the given settings and deletes the removed keys. Each is one statement, so a
   * concurrent save of other keys is never lost.
   */
  async apply(userId: string, upserts: UserSettings, removals: string[]): Promise<void> {
    const rows = Object.entries(upserts).map(([settingKey, setting]) => ({ userId, settingKey, setting, updatedAt: new Date() }));
    if (rows.length) {
      await this.settings
        .createQueryBuilder()
        .insert()
        .values(rows as QueryDeepPartialEntity<UserSettingEntity>[])
        .orUpdate(['setting', 'updatedAt'], ['userId', 'settingKey'], { skipUpdateIfNoValuesChanged: false })
        .updateEntity(false)
        .execute();
    }
    if (removals.length) await this.settings.delete({ userId, settingKey: In(removals) });
  }
}
