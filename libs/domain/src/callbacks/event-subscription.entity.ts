import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum SubscriptionStatus {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
}

/** Responsys filter: events of these types pass only for these campaign names. */
export interface EventFilter {
  eventTypes: string[];
  values: Array<{ campaignNames: string[] }>;
}

/** Which events go to which callback, in batches of `batchSize`. */
@Entity('event_subscriptions')
export class EventSubscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column()
  name: string;

  @Column({ name: 'callback_id', type: 'uuid' })
  callbackId: string;

  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes: string[];

  @Column({ type: 'text' })
  status: SubscriptionStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ type: 'jsonb', default: [] })
  filters: EventFilter[];

  @Column({ name: 'batch_size', type: 'int', default: 100 })
  batchSize: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
