import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One contact on a user's call-back list. */
@Entity('calldown_entries')
@Index('IDX_calldown_user_schedule', ['userId', 'scheduledAt'])
export class CalldownEntryEntity {
  /** A random UUID: ids are handed to clients and must not be guessable or sequential. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contactId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  contactType: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contactName: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  phoneNumber: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** `scheduled` or `called` (clients may use their own values). */
  @Column({ type: 'varchar', length: 32 })
  status: string;

  // The constructor as the type: each driver maps it to its own timestamp type.
  @Column({ type: Date, nullable: true })
  scheduledAt: Date | null;

  @Column({ type: Date, nullable: true })
  lastCallAt: Date | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
