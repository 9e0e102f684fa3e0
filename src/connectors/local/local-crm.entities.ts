import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A contact of the built-in local CRM. */
@Entity('local_crm_contacts')
export class LocalCrmContactEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** As entered, e.g. "(415) 555-0100". */
  @Column({ type: 'varchar', length: 64 })
  phoneNumber: string;

  /** Normalised for matching, e.g. "+14155550100"; null when the number cannot be parsed. */
  @Index('IDX_local_crm_contacts_phone')
  @Column({ type: 'varchar', length: 32, nullable: true })
  phoneE164: string | null;

  @Column({ type: 'varchar', length: 32, default: 'Contact' })
  type: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  company: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email: string | null;

  @CreateDateColumn()
  createdAt: Date;
}

/** A call or message activity of the built-in local CRM. */
@Entity('local_crm_activities')
export class LocalCrmActivityEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  kind: 'call' | 'message';

  /** The local CRM user who owns the activity. */
  @Index('IDX_local_crm_activities_owner')
  @Column({ type: 'varchar', length: 64 })
  ownerId: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  contactId: string | null;

  @Column({ type: 'varchar', length: 512 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  /** The idempotency key of the write that created it, as a remote CRM would keep it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  idempotencyKey: string | null;

  /** Other fields the core sent (direction, duration, additionalSubmission...), for inspection. */
  @Column({ type: 'simple-json', nullable: true })
  details: Record<string, unknown> | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
