import { Column, CreateDateColumn, Entity, Generated, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';

/**
 * An event in the transactional outbox. Written in the same transaction as the change it reports;
 * `fannedOutAt` is set by the worker once the matching deliveries exist. `seq` orders events.
 */
@Entity('events')
export class OutboxEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Generated('increment')
  @Column({ type: 'bigint', transformer: bigintToNumber, unique: true })
  seq: number;

  /** With id, the key: a caller's event id is unique within its org only. */
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column()
  type: string;

  @Column({ name: 'customer_id', type: 'bigint', transformer: bigintToNumber, nullable: true })
  customerId: number | null;

  @Column({ type: 'text', nullable: true })
  channel: string | null;

  @Column({ name: 'campaign_id', type: 'text', nullable: true })
  campaignId: string | null;

  @Column({ name: 'campaign_name', type: 'text', nullable: true })
  campaignName: string | null;

  @Column({ type: 'text', nullable: true })
  recipient: string | null;

  /** The rest of the event: consent fields for consent events, failure fields for outcomes. */
  @Column({ type: 'jsonb', default: {} })
  payload: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'fanned_out_at', type: 'timestamptz', nullable: true })
  fannedOutAt: Date | null;
}
