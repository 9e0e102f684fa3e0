import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A RingCentral account's App Connect settings, saved by one of its admins. */
@Entity('admin_settings')
export class AdminSettingsEntity {
  /** hashRingCentralId(account id): the raw RingCentral id is never stored. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  accountId: string;

  /** The whole `adminSettings` document; its `userSettings` are merged over each user's. */
  @Column({ type: 'simple-json' })
  settings: Record<string, unknown>;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
