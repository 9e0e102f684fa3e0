import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** One CRM activity holding a conversation's messages of one day (or one shared SMS thread). */
@Entity('message_digests')
@Index('UQ_message_digests_key', ['userId', 'digestKey'], { unique: true })
export class MessageDigestEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  digestKey: string;

  @Column({ type: 'varchar', length: 255 })
  conversationId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contactId: string | null;

  /** Calendar day of the digest in the user's timezone (YYYY-MM-DD); null for shared threads. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  logDate: string | null;

  @Column({ type: 'varchar', length: 255 })
  thirdPartyLogId: string;

  /** Rendered entries (sender, direction, time, text, media links without tokens), oldest first. */
  @Column({ type: 'simple-json' })
  entries: Record<string, unknown>[];

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
