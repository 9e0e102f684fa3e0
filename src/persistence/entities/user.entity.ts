import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A CRM user who logged in through App Connect. */
@Entity('users')
export class UserEntity {
  /** `${platform}-${crmUserId}` */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  platform: string;

  @Column({ type: 'varchar', length: 255 })
  crmUserId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  hostname: string | null;

  /** IANA zone name (Asia/Tokyo) or a fixed offset (+09:00). */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  /** CRM credentials, encrypted with a key derived from the server secret. Null after logout. */
  @Column({ type: 'text', nullable: true })
  credentials: string | null;

  /** Raised on logout so JWTs issued before it stop working. */
  @Column({ type: 'integer', default: 1 })
  sessionVersion: number;

  /**
   * hashRingCentralId of the user's RingCentral account, learned from the extension's
   * settings calls; whose admin settings apply to this user. Null until first seen.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  rcAccountId: string | null;

  @Column({ type: 'simple-json', nullable: true })
  platformAdditionalInfo: Record<string, unknown> | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
