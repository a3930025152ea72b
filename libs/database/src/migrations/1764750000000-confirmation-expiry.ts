import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Double opt-in: the worker looks for requests left UNCONFIRMED past CONFIRM_TTL_DAYS, oldest
 * first. A partial index keeps that lookup to the unconfirmed records, however large the table.
 */
export class ConfirmationExpiry1764750000000 implements MigrationInterface {
  name = 'ConfirmationExpiry1764750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX consents_unconfirmed ON consents (occurred_at) WHERE status = 'UNCONFIRMED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX consents_unconfirmed');
  }
}
