import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time-aware consent and customer merges.
 *
 * - `consents.occurred_at`: when the change that set the current state happened (the dialect's
 *   time, or the request's). A later-arriving change applies only when it happened after it.
 *   Existing records take the time their last ledger row was written, the best evidence there is.
 * - `consent_ledger.occurred_at`: when each change happened; NULL on rows written before this
 *   migration, which are read as their `created_at` (the ledger is append-only: no backfill).
 * - `consent_ledger.superseded_by_occurred_at`: set on a change that arrived after a newer one had
 *   already decided the key: when that newer change happened. Such a row changed nothing; the
 *   two times side by side are the reason why.
 * - `customers.merged_into`: a customer merged into another (the victim) points at its survivor.
 *   Its rows stay where they are, so its ledger still replays to its own frozen state.
 */
export class ConsentTimeAndMerge1764590000000 implements MigrationInterface {
  name = 'ConsentTimeAndMerge1764590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consents ADD COLUMN occurred_at timestamptz;
      UPDATE consents c SET occurred_at = l.created_at FROM consent_ledger l WHERE l.id = c.last_ledger_id;
      UPDATE consents SET occurred_at = updated_at WHERE occurred_at IS NULL;
      ALTER TABLE consents ALTER COLUMN occurred_at SET NOT NULL;

      ALTER TABLE consent_ledger ADD COLUMN occurred_at timestamptz;
      ALTER TABLE consent_ledger ADD COLUMN superseded_by_occurred_at timestamptz;

      ALTER TABLE customers ADD COLUMN merged_into bigint REFERENCES customers(id);
      ALTER TABLE customers ADD COLUMN merged_at timestamptz;
      CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX customers_merged_into;
      ALTER TABLE customers DROP COLUMN merged_at;
      ALTER TABLE customers DROP COLUMN merged_into;
      ALTER TABLE consent_ledger DROP COLUMN superseded_by_occurred_at;
      ALTER TABLE consent_ledger DROP COLUMN occurred_at;
      ALTER TABLE consents DROP COLUMN occurred_at;
    `);
  }
}
