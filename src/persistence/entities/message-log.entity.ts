import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One RingCentral message the CRM accepted; its presence means "never write it again". */
@Entity('message_logs')
@Index('UQ_message_logs_message', ['userId', 'messageId'], { unique: true })
export class MessageLogEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  platform: string;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  /** RingCentral message id (+ `-<contactId>` for group SMS). */
  @Column({ type: 'varchar', length: 255 })
  messageId: string;

  @Column({ type: 'varchar', length: 255 })
  conversationId: string;

  @Column({ type: 'varchar', length: 255 })
  digestKey: string;

  @Column({ type: 'varchar', length: 255 })
  thirdPartyLogId: string;

  @CreateDateColumn()
  createdAt: Date;
}
