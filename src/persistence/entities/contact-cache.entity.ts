import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ContactInfo } from '../../common/crm-types.js';

/**
 * One user's latest contact lookup for one number, kept for a while so repeated call
 * pops and group-SMS logging can name correspondents without asking the CRM again.
 */
@Entity('contact_cache')
@Index('UQ_contact_cache_number', ['userId', 'phoneNumber'], { unique: true })
export class ContactCacheEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** `${platform}-${crmUserId}`: entries are never shared between users or CRMs. */
  @Column({ type: 'varchar', length: 255 })
  userId: string;

  /** Normalised (E.164) number the lookup was for. */
  @Column({ type: 'varchar', length: 64 })
  phoneNumber: string;

  /** The CRM's matches, without the synthetic create-new choice. */
  @Column({ type: 'simple-json' })
  contacts: ContactInfo[];

  @Column()
  expiresAt: Date;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
