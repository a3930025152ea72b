import { Column, CreateDateColumn, Entity, Generated, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';

export interface CommChannel {
  type: string;
  value: string;
  primary?: boolean;
  verified?: boolean;
  meta?: Record<string, unknown>;
}

/** What one source (and account, for multi-account sources) knows about a customer. */
@Entity('customer_profiles')
export class CustomerProfile {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  id: number;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'customer_id', type: 'bigint', transformer: bigintToNumber })
  customerId: number;

  @Column()
  source: string;

  /** '' for single-account sources, so the unique key needs no NULL handling. */
  @Column({ name: 'account_id', default: '' })
  accountId: string;

  @Column({ name: 'first_name', type: 'text', nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'text', nullable: true })
  lastName: string | null;

  @Column({ type: 'jsonb', default: {} })
  fields: Record<string, unknown>;

  @Column({ name: 'comm_channels', type: 'jsonb', default: [] })
  commChannels: CommChannel[];

  /** The API key that registered the profile; null for optline's own changes and older rows. */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** The API key that changed the profile last (registration counts). */
  @Column({ name: 'modified_by', type: 'uuid', nullable: true })
  modifiedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
