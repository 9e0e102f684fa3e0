import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { UserSettingValue } from '../../common/user-settings.js';

/**
 * One setting of one user. A row per setting rather than one document per user, so
 * two clients saving different settings at once cannot overwrite each other's.
 */
@Entity('user_settings')
@Index('UQ_user_settings_key', ['userId', 'settingKey'], { unique: true })
export class UserSettingEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  settingKey: string;

  /** The setting as the extension sent it: `{ value, ... }`. */
  @Column({ type: 'simple-json' })
  setting: UserSettingValue;

  @UpdateDateColumn()
  updatedAt: Date;
}
