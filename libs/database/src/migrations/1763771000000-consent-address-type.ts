import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The kind of contact address a consent record is about (WM's selection type such as BPHONE),
 * kept on the state so a dialect can answer it back, and on the ledger as part of the evidence.
 */
export class ConsentAddressType1763771000000 implements MigrationInterface {
  name = 'ConsentAddressType1763771000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consents ADD COLUMN address_type text;
      ALTER TABLE consent_ledger ADD COLUMN address_type text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consent_ledger DROP COLUMN address_type;
      ALTER TABLE consents DROP COLUMN address_type;
    `);
  }
}
