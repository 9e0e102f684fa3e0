import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A note typed during a call, kept briefly for server-side call logging to pick up. */
@Entity('call_note_cache')
@Index('UQ_call_note_cache_session', ['userId', 'sessionId'], { unique: true })
@Index('IDX_call_note_cache_expiry', ['expiresAt'])
export class CallNoteCacheEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  sessionId: string;

  @Column({ type: 'text' })
  note: string;

  @Column()
  expiresAt: Date;
}
