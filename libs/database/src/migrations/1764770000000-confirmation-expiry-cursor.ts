import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expiry of double opt-in requests read every UNCONFIRMED record older than the TTL on every
 * sweep, those it had already recorded as expired included, so its cost grew with every request
 * ever made. It now walks the ledger's confirmation requests once, in id order, from a cursor:
 * - a partial index holds only the ledger's UNCONFIRMED rows, by id;
 * - sweep_cursors keeps how far each such walk has come (one row per walk; the row's lock is what
 *   makes one worker at a time advance it).
 * The index on UNCONFIRMED records it replaces has no reader left.
 */
export class ConfirmationExpiryCursor1764770000000 implements MigrationInterface {
  name = 'ConfirmationExpiryCursor1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX consent_ledger_confirmation_requests ON consent_ledger (id) WHERE status = 'UNCONFIRMED';
      CREATE TABLE sweep_cursors (name text PRIMARY KEY, position bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO sweep_cursors (name) VALUES ('confirmation-expiry');
      DROP INDEX consents_unconfirmed;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX consents_unconfirmed ON consents (occurred_at) WHERE status = 'UNCONFIRMED';
      DROP TABLE sweep_cursors;
      DROP INDEX consent_ledger_confirmation_requests;
    `);
  }
}
