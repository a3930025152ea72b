import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The first answer to an ingest request sent with an `Idempotency-Key`; a retry gets it back. */
@Entity('ingest_requests')
export class IngestRequest {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  /** SHA-256 of the request's events: the same key with another body is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  /** Null only inside the transaction that is still processing the request. */
  @Column({ type: 'jsonb', nullable: true })
  response: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
