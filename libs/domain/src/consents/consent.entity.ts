import { Column, Entity, Generated, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';

/**
 * The current consent for one key: (org, customer, channel, topic, account, address).
 * topic is Capillary's priority, an Altcraft resource or a WM category; address is '' for a
 * channel-wide record and the contact address (email, phone ...) for an address-level one.
 */
@Entity('consents')
export class Consent {
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

  /** What kind of address it is, when the caller says (WM's selection type: BPHONE ...). */
  @Column({ name: 'address_type', type: 'text', nullable: true })
  addressType: string | null;

  @Column({ type: 'text' })
  status: ConsentStatus;

  @Column({ name: 'last_ledger_id', type: 'bigint', transformer: bigintToNumber, nullable: true })
  lastLedgerId: number | null;

  /** When the change that set this status happened; a change that happened earlier changes nothing. */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
