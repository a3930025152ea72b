import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';

/** An identifier (mobile, email, externalId ...) registered for a customer in one source and account. */
@Entity('customer_identifiers')
export class CustomerIdentifier {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  id: number;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'customer_id', type: 'bigint', transformer: bigintToNumber })
  customerId: number;

  @Column({ name: 'profile_id', type: 'bigint', transformer: bigintToNumber })
  profileId: number;

  @Column()
  source: string;

  @Column({ name: 'account_id', default: '' })
  accountId: string;

  @Column()
  type: string;

  @Column()
  value: string;
}
