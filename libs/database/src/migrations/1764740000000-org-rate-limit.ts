import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An org's own budget of requests per second per API key, for a tenant whose campaign tool needs
 * more (or should get less) than RATE_LIMIT_KEY_PER_SECOND. NULL: the env default.
 */
export class OrgRateLimit1764740000000 implements MigrationInterface {
  name = 'OrgRateLimit1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orgs ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second > 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orgs DROP COLUMN rate_limit_per_second`);
  }
}
