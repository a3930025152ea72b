import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event id is unique within its org, not across orgs. A caller chooses its events' ids; with a
 * global key another org's id answered 409 EVENT_ID_TAKEN, which confirmed that it existed and let
 * one tenant block another's ids. The key becomes (org_id, id), and deliveries point at it whole.
 */
export class OrgScopedEventIds1764720000000 implements MigrationInterface {
  name = 'OrgScopedEventIds1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey;
      ALTER TABLE events DROP CONSTRAINT events_pkey;
      ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (org_id, id);
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_fkey FOREIGN KEY (org_id, event_id) REFERENCES events (org_id, id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_fkey;
      ALTER TABLE events DROP CONSTRAINT events_pkey;
      ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id);
    `);
  }
}
