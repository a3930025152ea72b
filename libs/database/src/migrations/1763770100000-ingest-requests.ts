import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency for event ingest: the first answer to a request carrying an `Idempotency-Key`,
 * keyed per org. The primary key makes a concurrent retry wait for the first request and then
 * read its answer (INSERT ... ON CONFLICT DO NOTHING), so a key is never processed twice.
 */
export class IngestRequests1763770100000 implements MigrationInterface {
  name = 'IngestRequests1763770100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_requests (
        org_id uuid NOT NULL REFERENCES orgs(id),
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, idempotency_key)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingest_requests');
  }
}
