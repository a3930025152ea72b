import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - A delivery may be SKIPPED, with the reason: the subscription no longer took its event (type
 *   or campaign filter) when its turn to be sent came. Retention deletes skipped rows like expired
 *   ones, so the age index covers both.
 * - A batch an operator redelivered after newer batches went out carries `out_of_order`, so the
 *   webhook says so.
 * The new checks are added NOT VALID and validated apart, so the table is not locked while the
 * existing rows are read.
 */
export class DeliveryEdgeCases1764790000000 implements MigrationInterface {
  name = 'DeliveryEdgeCases1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries ADD COLUMN skip_reason text;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
        CHECK (state IN ('PENDING', 'BATCHED', 'EXPIRED', 'SKIPPED')) NOT VALID;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check
        CHECK ((state = 'SKIPPED') = (skip_reason IS NOT NULL)) NOT VALID;
      ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_state_check;
      ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_skip_reason_check;
      CREATE INDEX deliveries_skipped ON deliveries (subscription_id) WHERE state = 'SKIPPED';
      CREATE INDEX deliveries_unsent_age ON deliveries (created_at) WHERE state IN ('EXPIRED', 'SKIPPED');
      DROP INDEX deliveries_expired_age;
      ALTER TABLE delivery_batches ADD COLUMN out_of_order boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE delivery_batches DROP COLUMN out_of_order;
      CREATE INDEX deliveries_expired_age ON deliveries (created_at) WHERE state = 'EXPIRED';
      DROP INDEX deliveries_unsent_age;
      DROP INDEX deliveries_skipped;
      DELETE FROM deliveries WHERE state = 'SKIPPED';
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check CHECK (state IN ('PENDING', 'BATCHED', 'EXPIRED'));
      ALTER TABLE deliveries DROP COLUMN skip_reason;
    `);
  }
}
