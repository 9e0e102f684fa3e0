import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PENDING_WRITE_STATES = ['pending', 'delivering', 'failed'] as const;
export type PendingWriteState = (typeof PENDING_WRITE_STATES)[number];

/**
 * One CRM write we have promised to make: the outbox. It is recorded before the CRM is
 * called and deleted once the outcome is recorded, so a row that is still here after a
 * crash, a timeout or a CRM outage is work left to finish. Writes of one target (a call
 * session, a digest) are delivered one at a time, oldest first.
 */
@Entity('pending_writes')
@Index('UQ_pending_writes_key', ['writeKey'], { unique: true })
@Index('IDX_pending_writes_target', ['userId', 'targetKey'])
export class PendingWriteEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** The idempotency key: the created CRM record carries it, so an unknown outcome can be looked up. */
  @Column({ type: 'varchar', length: 64 })
  writeKey: string;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  /** What the write is about (`call|...`, `digest|...`): the unit of ordering. */
  @Column({ type: 'varchar', length: 512 })
  targetKey: string;

  /** Which handler delivers it (call-create, call-update, digest). */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state: PendingWriteState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** 1 when an attempt may have reached the CRM without us learning its answer. */
  @Column({ type: 'integer', default: 0 })
  outcomeUnknown: number;

  /** When the intent was recorded (ISO-8601 UTC): bounds the CRM search of a reconciliation. */
  @Column({ type: 'varchar', length: 32 })
  recordedAt: string;

  /** ISO-8601 UTC; string columns compare the same way on SQLite and PostgreSQL. */
  @Column({ type: 'varchar', length: 32 })
  nextAttemptAt: string;

  /** While delivering: the claim expires then, so a crashed instance's work is taken over. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  leaseUntil: string | null;

  /** What the handler needs to make the write. Never credentials or RingCentral tokens. */
  @Column({ type: 'simple-json' })
  payload: Record<string, unknown>;

  /** The CRM's reason for the last failure (shown to operators, never secrets). */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
