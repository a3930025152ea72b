import { Column, CreateDateColumn, Entity, Generated, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';

/**
 * One change of consent: who, when, through which dialect, why and from where. Append-only: a
 * database trigger refuses UPDATE and DELETE on this table.
 */
@Entity('consent_ledger')
export class ConsentLedgerEntry {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  id: number;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'customer_id', type: 'bigint', transformer: bigintToNumber })
  customerId: number;

  @Column({ type: 'text' })
  channel: Channel;

  @Column()
  topic: string;

  @Column({ name: 'account_id', default: '' })
  accountId: string;

  @Column({ default: '' })
  address: string;

  @Column({ name: 'address_type', type: 'text', nullable: true })
  addressType: string | null;

  @Column({ name: 'previous_status', type: 'text', nullable: true })
  previousStatus: ConsentStatus | null;

  @Column({ type: 'text' })
  status: ConsentStatus;

  @Column()
  dialect: string;

  @Column({ name: 'source_name', type: 'text', nullable: true })
  sourceName: string | null;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  /** A person or system named by the caller (WM's audit_info.modified_by). */
  @Column({ type: 'text', nullable: true })
  actor: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'campaign_id', type: 'text', nullable: true })
  campaignId: string | null;

  @Column({ name: 'communication_id', type: 'text', nullable: true })
  communicationId: string | null;

  @Column({ name: 'org_unit_id', type: 'text', nullable: true })
  orgUnitId: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** Evidence of the consent given by the caller (Altcraft's date, ip and url). */
  @Column({ type: 'jsonb', nullable: true })
  proof: Record<string, unknown> | null;

  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId: string | null;

  /** When the change happened (the dialect's time, or the request's); null on rows older than the column: read createdAt. */
  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt: Date | null;

  /** Set when a newer change had already decided the key: when that change happened. This row changed nothing. */
  @Column({ name: 'superseded_by_occurred_at', type: 'timestamptz', nullable: true })
  supersededByOccurredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
