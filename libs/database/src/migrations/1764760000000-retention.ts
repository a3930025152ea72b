import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that let retention and the sweeper find old rows without scanning the tables, so their
 * cost follows the rows they touch, not the rows kept:
 * - finished batches by age (retention deletes them with their deliveries and attempts);
 * - expired deliveries by age (retention deletes them);
 * - deliveries by event: the test "no delivery references this event" before an event goes, and
 *   the foreign key's own check on each deleted event (without it, a scan of deliveries per event);
 * - events and idempotency keys by age;
 * - pending deliveries by subscription and age: the sweeper's bounded expiry of held events.
 */
export class Retention1764760000000 implements MigrationInterface {
  name = 'Retention1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX delivery_batches_finished_age ON delivery_batches (created_at) WHERE state <> 'SENDING';
      CREATE INDEX deliveries_expired_age ON deliveries (created_at) WHERE state = 'EXPIRED';
      CREATE INDEX deliveries_event ON deliveries (org_id, event_id);
      CREATE INDEX deliveries_pending_age ON deliveries (subscription_id, created_at) WHERE state = 'PENDING';
      CREATE INDEX events_age ON events (created_at, seq);
      CREATE INDEX ingest_requests_age ON ingest_requests (created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ingest_requests_age;
      DROP INDEX events_age;
      DROP INDEX deliveries_pending_age;
      DROP INDEX deliveries_event;
      DROP INDEX deliveries_expired_age;
      DROP INDEX delivery_batches_finished_age;
    `);
  }
}
