import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer search, profile attribution and per-program loyalty figures.
 * - Prefix search (Capillary's `/v2/customers/search`) on identifier values and profile names,
 *   case-insensitive: btree indexes on `(org_id, lower(x) text_pattern_ops)`, so that
 *   `lower(x) LIKE 'tom%'` is an index range scan in the org whatever the database's collation
 *   (text_pattern_ops compares bytes; the default opclass serves LIKE only under the C collation).
 * - `customer_profiles.created_by` / `modified_by`: the API key that registered and last updated
 *   a profile (null for optline's own changes and for rows older than this migration).
 * - `customer_loyalty_programs`: one program's figures for a customer, written by the points
 *   engine through the native API and read through Capillary's loyaltyDetails and embeds.
 */
export class CustomerSearchAndLoyalty1764700000000 implements MigrationInterface {
  name = 'CustomerSearchAndLoyalty1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX customer_identifiers_value_prefix ON customer_identifiers (org_id, lower(value) text_pattern_ops);
      CREATE INDEX customer_profiles_first_name_prefix ON customer_profiles (org_id, lower(first_name) text_pattern_ops);
      CREATE INDEX customer_profiles_last_name_prefix ON customer_profiles (org_id, lower(last_name) text_pattern_ops);

      ALTER TABLE customer_profiles ADD COLUMN created_by uuid;
      ALTER TABLE customer_profiles ADD COLUMN modified_by uuid;

      CREATE TABLE customer_loyalty_programs (
        org_id uuid NOT NULL REFERENCES orgs(id),
        customer_id bigint NOT NULL REFERENCES customers(id),
        program_id bigint NOT NULL,
        loyalty_id bigint,
        loyalty_points double precision NOT NULL DEFAULT 0,
        lifetime_points double precision NOT NULL DEFAULT 0,
        redeemed double precision NOT NULL DEFAULT 0,
        expired double precision NOT NULL DEFAULT 0,
        returned double precision NOT NULL DEFAULT 0,
        adjusted double precision NOT NULL DEFAULT 0,
        cumulative_purchases double precision NOT NULL DEFAULT 0,
        current_slab text NOT NULL DEFAULT '',
        slab_serial_number integer,
        -- Kept as sent (ISO 8601 with its offset), as the points engine and Capillary both spell it.
        slab_expiry_date text,
        next_slab text NOT NULL DEFAULT '',
        next_slab_serial_number integer NOT NULL DEFAULT -1,
        next_slab_description text NOT NULL DEFAULT '',
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, customer_id, program_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE customer_loyalty_programs;
      ALTER TABLE customer_profiles DROP COLUMN modified_by;
      ALTER TABLE customer_profiles DROP COLUMN created_by;
      DROP INDEX customer_profiles_last_name_prefix;
      DROP INDEX customer_profiles_first_name_prefix;
      DROP INDEX customer_identifiers_value_prefix;
    `);
  }
}
