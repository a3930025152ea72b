import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The person's side: signed links, erasure and what survives it.
 *
 * - `org_secrets`: secrets optline generates for an org when no setting gives them (the key that
 *   signs its unsubscribe links when UNSUBSCRIBE_SIGNING_KEYS is unset; the pepper of its address
 *   hashes when ERASURE_PEPPER is unset). One or two rows per org: grows with orgs, not traffic,
 *   so it has no retention.
 * - `orgs.display_name`, `logo_url`, `accent_color`: how the pages a person opens present the org.
 * - `customers.erased_at`: an erased person. The row stays (the ledger references it) with nothing
 *   personal left; every fetch and lookup treats it as unknown.
 * - `suppressions`: one row per opted-out address of an erased person, the address as a keyed
 *   hash, so a later registration or opt-in of that address starts from the opt-out. It grows
 *   with erasures, not traffic, and is the proof of an opt-out like the ledger: no retention.
 * - The ledger's controlled exception: it stays append-only, except that an erasure (and only an
 *   erasure, which sets `optline.erasing` for its transaction) may replace the personal fields of
 *   a row: its address by the keyed hash `erased:<digest>`, and ip, user agent, actor and proof
 *   by nothing. Every other column must stay as it was, so times, statuses, reasons and the
 *   replay order survive; DELETE and TRUNCATE stay refused.
 */
export class PersonSide1764710000000 implements MigrationInterface {
  name = 'PersonSide1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE org_secrets (
        kid text PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        purpose text NOT NULL CHECK (purpose IN ('link-signing', 'erasure-pepper')),
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, purpose)
      );

      ALTER TABLE orgs ADD COLUMN display_name text;
      ALTER TABLE orgs ADD COLUMN logo_url text;
      ALTER TABLE orgs ADD COLUMN accent_color text;

      ALTER TABLE customers ADD COLUMN erased_at timestamptz;

      CREATE TABLE suppressions (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        address_hash text NOT NULL,
        channel text NOT NULL,
        topic text NOT NULL,
        account_id text NOT NULL DEFAULT '',
        status text NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, address_hash, channel, topic, account_id)
      );

      CREATE OR REPLACE FUNCTION consent_ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('optline.erasing', true) = 'on'
          AND (NEW.id, NEW.org_id, NEW.customer_id, NEW.channel, NEW.topic, NEW.account_id, NEW.address_type,
               NEW.previous_status, NEW.status, NEW.dialect, NEW.source_name, NEW.api_key_id, NEW.reason,
               NEW.campaign_id, NEW.communication_id, NEW.org_unit_id, NEW.request_id, NEW.event_id,
               NEW.occurred_at, NEW.superseded_by_occurred_at, NEW.created_at)
            IS NOT DISTINCT FROM
              (OLD.id, OLD.org_id, OLD.customer_id, OLD.channel, OLD.topic, OLD.account_id, OLD.address_type,
               OLD.previous_status, OLD.status, OLD.dialect, OLD.source_name, OLD.api_key_id, OLD.reason,
               OLD.campaign_id, OLD.communication_id, OLD.org_unit_id, OLD.request_id, OLD.event_id,
               OLD.occurred_at, OLD.superseded_by_occurred_at, OLD.created_at)
          AND (NEW.address = '' OR NEW.address LIKE 'erased:%')
          AND NEW.ip IS NULL AND NEW.user_agent IS NULL AND NEW.actor IS NULL
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'consent_ledger is append-only: % is not allowed', TG_OP;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_ledger is append-only: % is not allowed', TG_OP;
      END $$;
      DROP TABLE suppressions;
      ALTER TABLE customers DROP COLUMN erased_at;
      ALTER TABLE orgs DROP COLUMN accent_color;
      ALTER TABLE orgs DROP COLUMN logo_url;
      ALTER TABLE orgs DROP COLUMN display_name;
      DROP TABLE org_secrets;
    `);
  }
}
