import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One piece of a CRM account's data (activity types, ...), as its connector last loaded it. */
@Entity('account_data')
@Index('UQ_account_data_key', ['platform', 'accountKey', 'dataKey'], { unique: true })
export class AccountDataEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  platform: string;

  /** The connector's accountKey: users of one CRM account share the entry. */
  @Column({ type: 'varchar', length: 255 })
  accountKey: string;

  @Column({ type: 'varchar', length: 64 })
  dataKey: string;

  @Column({ type: 'simple-json' })
  value: unknown;

  @Column()
  expiresAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
