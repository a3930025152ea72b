import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../common/bigint.transformer';

/**
 * One loyalty program's figures for a customer, as the points engine last reported them. optline
 * computes none of them: it keeps what it is told and serves it to readers.
 */
@Entity('customer_loyalty_programs')
export class LoyaltyProgram {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @PrimaryColumn({ name: 'customer_id', type: 'bigint', transformer: bigintToNumber })
  customerId: number;

  @PrimaryColumn({ name: 'program_id', type: 'bigint', transformer: bigintToNumber })
  programId: number;

  @Column({ name: 'loyalty_id', type: 'bigint', transformer: bigintToNumber, nullable: true })
  loyaltyId: number | null;

  @Column({ name: 'loyalty_points', type: 'double precision' })
  loyaltyPoints: number;

  @Column({ name: 'lifetime_points', type: 'double precision' })
  lifetimePoints: number;

  @Column({ type: 'double precision' })
  redeemed: number;

  @Column({ type: 'double precision' })
  expired: number;

  @Column({ type: 'double precision' })
  returned: number;

  @Column({ type: 'double precision' })
  adjusted: number;

  @Column({ name: 'cumulative_purchases', type: 'double precision' })
  cumulativePurchases: number;

  @Column({ name: 'current_slab', type: 'text' })
  currentSlab: string;

  @Column({ name: 'slab_serial_number', type: 'integer', nullable: true })
  slabSerialNumber: number | null;

  /** ISO 8601 as sent, offset included. */
  @Column({ name: 'slab_expiry_date', type: 'text', nullable: true })
  slabExpiryDate: string | null;

  @Column({ name: 'next_slab', type: 'text' })
  nextSlab: string;

  /** -1 when there is no next slab. */
  @Column({ name: 'next_slab_serial_number', type: 'integer' })
  nextSlabSerialNumber: number;

  @Column({ name: 'next_slab_description', type: 'text' })
  nextSlabDescription: string;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** What the points engine reports for one program (everything but the keys and the bookkeeping). */
export type LoyaltyFigures = Omit<LoyaltyProgram, 'orgId' | 'customerId' | 'programId' | 'updatedBy' | 'updatedAt'>;
