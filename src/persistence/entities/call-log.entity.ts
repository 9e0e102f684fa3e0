import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Maps one RingCentral call session (per extension) to its CRM activity. */
@Entity('call_logs')
@Index('UQ_call_logs_session', ['userId', 'sessionId', 'extensionKey'], { unique: true })
export class CallLogEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  sessionId: string;

  /** hashedExtensionId, else extensionNumber, else '' */
  @Column({ type: 'varchar', length: 255, default: '' })
  extensionKey: string;

  /** Null while the create is in flight: the row is the claim that makes it exactly-once. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  thirdPartyLogId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contactId: string | null;

  /** The structured fields the body is rendered from, so updates re-render rather than edit text. */
  @Column({ type: 'simple-json', nullable: true })
  details: Record<string, unknown> | null;

  /** Subject of the last write the CRM accepted, as handed to the connector (console). */
  @Column({ type: 'text', nullable: true })
  sentSubject: string | null;

  /** Body of the last write the CRM accepted, exactly as handed to the connector (console). */
  @Column({ type: 'text', nullable: true })
  sentBody: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
