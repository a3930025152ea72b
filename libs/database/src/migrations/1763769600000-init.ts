import { MigrationInterface, QueryRunner } from 'typeorm';

/** Orgs and keys, customers, consent state, the append-only ledger, the outbox, callbacks and subscriptions. */
export class Init1763769600000 implements MigrationInterface {
  name = 'Init1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orgs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id),
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_org ON api_keys (org_id);

      CREATE TABLE customers (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        loyalty_type text NOT NULL DEFAULT 'non_loyalty',
        -- Bumped by every consent write: lets a write check, in the same statement, that the state
        -- it was computed from is still the current one (optimistic concurrency, see consent-store).
        consent_version bigint NOT NULL DEFAULT 0,
        extended_fields jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX customers_org ON customers (org_id, id);

      CREATE TABLE customer_profiles (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        customer_id bigint NOT NULL REFERENCES customers(id),
        source text NOT NULL,
        account_id text NOT NULL DEFAULT '',
        first_name text,
        last_name text,
        fields jsonb NOT NULL DEFAULT '{}',
        comm_channels jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (customer_id, source, account_id)
      );

      CREATE TABLE customer_identifiers (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        customer_id bigint NOT NULL REFERENCES customers(id),
        profile_id bigint NOT NULL REFERENCES customer_profiles(id),
        source text NOT NULL,
        account_id text NOT NULL DEFAULT '',
        type text NOT NULL,
        value text NOT NULL,
        -- Capillary: unique within a source, or within an account for multi-account sources.
        UNIQUE (org_id, source, account_id, type, value)
      );
      CREATE INDEX customer_identifiers_lookup ON customer_identifiers (org_id, type, value);
      CREATE INDEX customer_identifiers_customer ON customer_identifiers (customer_id);

      CREATE TABLE consents (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        customer_id bigint NOT NULL REFERENCES customers(id),
        channel text NOT NULL,
        topic text NOT NULL,
        account_id text NOT NULL DEFAULT '',
        address text NOT NULL DEFAULT '',
        status text NOT NULL,
        last_ledger_id bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, customer_id, channel, topic, account_id, address)
      );

      CREATE TABLE consent_ledger (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs(id),
        customer_id bigint NOT NULL REFERENCES customers(id),
        channel text NOT NULL,
        topic text NOT NULL,
        account_id text NOT NULL DEFAULT '',
        address text NOT NULL DEFAULT '',
        previous_status text,
        status text NOT NULL,
        dialect text NOT NULL,
        source_name text,
        api_key_id uuid,
        actor text,
        reason text,
        campaign_id text,
        communication_id text,
        org_unit_id text,
        ip text,
        user_agent text,
        request_id text,
        proof jsonb,
        event_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX consent_ledger_customer ON consent_ledger (org_id, customer_id, id DESC);

      -- The ledger is evidence: nothing may rewrite or remove it, whatever the application does.
      CREATE FUNCTION consent_ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_ledger is append-only: % is not allowed', TG_OP;
      END $$;
      CREATE TRIGGER consent_ledger_append_only
        BEFORE UPDATE OR DELETE ON consent_ledger
        FOR EACH ROW EXECUTE FUNCTION consent_ledger_is_append_only();
      CREATE TRIGGER consent_ledger_no_truncate
        BEFORE TRUNCATE ON consent_ledger
        FOR EACH STATEMENT EXECUTE FUNCTION consent_ledger_is_append_only();

      CREATE TABLE events (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        org_id uuid NOT NULL REFERENCES orgs(id),
        type text NOT NULL,
        customer_id bigint,
        channel text,
        campaign_id text,
        campaign_name text,
        recipient text,
        payload jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        fanned_out_at timestamptz
      );
      -- The sweeper and the fan-out claim look only at events not yet fanned out.
      CREATE INDEX events_unfanned ON events (seq) WHERE fanned_out_at IS NULL;
      CREATE INDEX events_org_seq ON events (org_id, seq);

      CREATE TABLE callbacks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id),
        name text NOT NULL,
        url text NOT NULL,
        backup_url text,
        auth_user text,
        auth_password text,
        signing_secret text NOT NULL,
        previous_signing_secret text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, name)
      );

      CREATE TABLE event_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES orgs(id),
        name text NOT NULL,
        callback_id uuid NOT NULL REFERENCES callbacks(id),
        event_types text[] NOT NULL,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED')),
        status_reason text,
        filters jsonb NOT NULL DEFAULT '[]',
        batch_size int NOT NULL DEFAULT 100 CHECK (batch_size BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, name)
      );
      CREATE INDEX event_subscriptions_callback ON event_subscriptions (callback_id);

      -- Every change to an org's event subscriptions bumps its version, in the same transaction,
      -- whoever makes it (API, worker pausing one, an operator in psql): fan-out caches an org's
      -- subscriptions and reloads them when this number moves.
      ALTER TABLE orgs ADD COLUMN subscriptions_version bigint NOT NULL DEFAULT 0;
      CREATE FUNCTION bump_subscriptions_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE orgs SET subscriptions_version = subscriptions_version + 1
        WHERE id = COALESCE(NEW.org_id, OLD.org_id);
        RETURN NULL;
      END $$;
      CREATE TRIGGER event_subscriptions_version
        AFTER INSERT OR UPDATE OR DELETE ON event_subscriptions
        FOR EACH ROW EXECUTE FUNCTION bump_subscriptions_version();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE event_subscriptions; DROP FUNCTION bump_subscriptions_version(); DROP TABLE callbacks; DROP TABLE events;
      DROP TABLE consent_ledger; DROP FUNCTION consent_ledger_is_append_only();
      DROP TABLE consents; DROP TABLE customer_identifiers; DROP TABLE customer_profiles;
      DROP TABLE customers; DROP TABLE api_keys; DROP TABLE orgs;
    `);
  }
}
