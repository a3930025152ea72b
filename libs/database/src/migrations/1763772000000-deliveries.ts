import { MigrationInterface, QueryRunner } from 'typeorm';

/** Deliveries (one per event per matching subscription), their batches, and every attempt. */
export class Deliveries1763772000000 implements MigrationInterface {
  name = 'Deliveries1763772000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_batches (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        subscription_id uuid NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('SENDING', 'DELIVERED', 'FAILED')),
        replay boolean NOT NULL DEFAULT false,
        event_count int NOT NULL,
        attempt_count int NOT NULL DEFAULT 0,
        -- attempt_count when an operator last redelivered the batch: the retry schedule restarts
        -- there, while attempt numbers (and the lease token) keep growing.
        attempt_offset int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        -- Held by the worker sending it; a killed worker's lease runs out and the batch is sent again.
        lease_until timestamptz,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        failed_at timestamptz
      );
      -- One batch in flight per subscription: this is what keeps delivery in order.
      CREATE UNIQUE INDEX delivery_batches_one_open ON delivery_batches (subscription_id) WHERE state = 'SENDING';
      CREATE INDEX delivery_batches_sub ON delivery_batches (subscription_id, created_at DESC);

      CREATE TABLE deliveries (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        subscription_id uuid NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES events(id),
        -- PENDING waits for a batch; BATCHED rides in batch_id, whose state is its outcome (so a
        -- delivered or failed batch updates one row, not one per event); EXPIRED aged out while held.
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'BATCHED', 'EXPIRED')),
        -- A batch holds its deliveries' outcome, so it cannot go while they point at it.
        batch_id uuid REFERENCES delivery_batches(id),
        replay boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'BATCHED') = (batch_id IS NOT NULL))
      );
      -- An event matches a subscription once; replays are extra rows on purpose.
      CREATE UNIQUE INDEX deliveries_once ON deliveries (subscription_id, event_id) WHERE NOT replay;
      CREATE INDEX deliveries_pending ON deliveries (subscription_id, id) WHERE state = 'PENDING';
      CREATE INDEX deliveries_batch ON deliveries (batch_id);
      CREATE INDEX deliveries_expired ON deliveries (subscription_id) WHERE state = 'EXPIRED';

      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        batch_id uuid NOT NULL REFERENCES delivery_batches(id) ON DELETE CASCADE,
        attempt_number int NOT NULL,
        url text NOT NULL,
        status_code int,
        duration_ms int NOT NULL,
        response_body text,
        error text,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX delivery_attempts_batch ON delivery_attempts (batch_id, attempt_number);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE delivery_attempts; DROP TABLE deliveries; DROP TABLE delivery_batches;');
  }
}
