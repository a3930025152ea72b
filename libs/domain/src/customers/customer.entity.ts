import { Column, CreateDateColumn, Entity, Generated, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';

/** One person, possibly known through several sources (one profile per source and account). */
@Entity('customers')
export class Customer {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  id: number;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'loyalty_type', default: 'non_loyalty' })
  loyaltyType: string;

  @Column({ name: 'extended_fields', type: 'jsonb', default: {} })
  extendedFields: Record<string, unknown>;

  /** Set once this customer (the victim) was merged into another (the survivor). */
  @Column({ name: 'merged_into', type: 'bigint', transformer: bigintToNumber, nullable: true })
  mergedInto: number | null;

  @Column({ name: 'merged_at', type: 'timestamptz', nullable: true })
  mergedAt: Date | null;

  /** Set once the person was erased: nothing personal is left, and every fetch and lookup answers 404. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
