import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { UserEntity } from '../entities/user.entity.js';

export interface UserLogin {
  id: string;
  platform: string;
  crmUserId: string;
  name: string;
  hostname: string | null;
  timezone: string;
  credentials: string;
  platformAdditionalInfo: Record<string, unknown> | null;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** Creates the user or refreshes its profile and credentials; keeps its session version. */
  async saveLogin(login: UserLogin): Promise<UserEntity> {
    await this.users.upsert(login as QueryDeepPartialEntity<UserEntity>, { conflictPaths: ['id'], skipUpdateIfNoValuesChanged: false });
    return this.users.findOneByOrFail({ id: login.id });
  }

  /** Replaces what the CRM says about the user (from the connector's refreshUserInfo). */
  async updateProfile(
    id: string,
    profile: Pick<UserEntity, 'name' | 'timezone' | 'platformAdditionalInfo'>,
  ): Promise<void> {
    await this.users.update({ id }, profile as QueryDeepPartialEntity<UserEntity>);
  }

  /** Records which RingCentral account (hashed id) the user belongs to. */
  async setRcAccountId(id: string, rcAccountId: string): Promise<void> {
    await this.users.update({ id }, { rcAccountId });
  }

  async updateCredentials(id: string, credentials: string): Promise<void> {
    await this.users.update({ id }, { credentials });
  }

  /** Drops the stored credentials and invalidates every JWT issued so far. */
  async forgetCredentials(id: string): Promise<void> {
    await this.users.update({ id }, { credentials: null });
    await this.users.increment({ id }, 'sessionVersion', 1);
  }
}
