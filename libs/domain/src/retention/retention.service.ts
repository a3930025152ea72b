import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

export interface RetentionPolicy {
  /** Finished deliveries, their batches and attempts, and unreferenced events older than this go. */
  retentionDays: number;
  /** Ingest idempotency keys older than this go. */
  idempotencyTtlHours: number;
  /** Rows per statement: each chunk is its own short transaction. */
  chunkSize: number;
}

export interface PruneCounts {
  batches: number;
  deliveries: number;
  events: number;
  ingestRequests: number;
}

/** Session lock that makes a pass run in one worker at a time. Only retention ever takes it. */
const RETENTION_LOCK_SQL = `hashtextextended('optline:retention', 0)`;

/**
 * Deletes what is past its retention, in bounded chunks. The consent ledger and consent state are
 * never touched: they are the record of consent and are kept for good.
 *
 * A pass is guarded by a session-level try-lock that no request takes, so a second worker skips
 * rather than waits, and each chunk is one autocommitted statement that locks only old, finished
 * rows: nothing a request waits on is held for longer than one chunk.
 */
@Injectable()
export class RetentionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs a full pass; null when another worker's pass holds the lock. */
  async prune(policy: RetentionPolicy): Promise<PruneCounts | null> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let broken = false;
    try {
      const [{ locked }] = (await client.query(`SELECT pg_try_advisory_lock(${RETENTION_LOCK_SQL}) AS locked`)).rows;
      if (!locked) return null;
      try {
        return await this.pass(client, policy);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${RETENTION_LOCK_SQL})`).catch(() => (broken = true));
      }
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      // A connection that may still hold the session lock must not go back to the pool.
      client.release(broken);
    }
  }

  private async pass(client: PoolClient, policy: RetentionPolicy): Promise<PruneCounts> {
    const cutoff = new Date(Date.now() - policy.retentionDays * 86_400_000);
    const keyCutoff = new Date(Date.now() - policy.idempotencyTtlHours * 3_600_000);
    const counts: PruneCounts = { batches: 0, deliveries: 0, events: 0, ingestRequests: 0 };
    // Batches first: their deliveries go with them, which is what frees their events.
    await untilShort(policy.chunkSize, async () => {
      const [row] = (await client.query(FINISHED_BATCHES_SQL, [cutoff, policy.chunkSize])).rows;
      counts.batches += row.batches;
      counts.deliveries += row.deliveries;
      // A chunk may take fewer batches than it looked at (the cut by deliveries): then go on.
      return row.scanned > row.batches ? policy.chunkSize : row.scanned;
    });
    await untilShort(policy.chunkSize, async () => {
      const n = (await client.query(UNSENT_DELIVERIES_SQL, [cutoff, policy.chunkSize])).rowCount ?? 0;
      counts.deliveries += n;
      return n;
    });
    // Events still referenced stay, so the scan moves on from the last one seen rather than
    // starting over at the oldest (which may be a long run of kept events).
    // The cursor's time travels as text: a JS Date would drop its microseconds.
    let after = { createdAt: '-infinity', seq: '0' };
    await untilShort(policy.chunkSize, async () => {
      const [row] = (await client.query(UNREFERENCED_EVENTS_SQL, [cutoff, policy.chunkSize, after.createdAt, after.seq])).rows;
      counts.events += row.deleted;
      if (row.last_seq) after = { createdAt: row.last_created_at, seq: row.last_seq };
      return row.scanned;
    });
    await untilShort(policy.chunkSize, async () => {
      const n = (await client.query(IDEMPOTENCY_KEYS_SQL, [keyCutoff, policy.chunkSize])).rowCount ?? 0;
      counts.ingestRequests += n;
      return n;
    });
    return counts;
  }
}

/** Repeats a chunk while it came back full. */
async function untilShort(chunkSize: number, chunk: () => Promise<number>): Promise<void> {
  while ((await chunk()) >= chunkSize);
}

/**
 * Up to $2 of the oldest finished batches, cut so that their deliveries stay near $2 rows (a batch
 * holds up to 200), deleted with their deliveries; attempts go by cascade. A batch counts as old by
 * when it finished, so one redelivered yesterday is kept. The state is tested again as the row is
 * deleted, so a batch an operator has just put back in line (SENDING) stays, with its deliveries.
 * `scanned` is how many candidates the chunk looked at, which tells whether to go on.
 */
const FINISHED_BATCHES_SQL = `
  WITH candidates AS (
    SELECT id, sum(event_count) OVER (ORDER BY created_at, id) AS running
    FROM (SELECT id, created_at, event_count FROM delivery_batches
          WHERE state <> 'SENDING' AND created_at < $1 AND coalesce(delivered_at, failed_at, created_at) < $1
          ORDER BY created_at, id LIMIT $2) oldest
  ), batches AS (
    DELETE FROM delivery_batches WHERE state <> 'SENDING'
      AND id IN (SELECT id FROM candidates WHERE running <= $2 OR running = (SELECT min(running) FROM candidates))
    RETURNING id
  ), deliveries AS (
    DELETE FROM deliveries WHERE batch_id IN (SELECT id FROM batches) RETURNING 1
  )
  SELECT (SELECT count(*) FROM candidates)::int AS scanned, (SELECT count(*) FROM batches)::int AS batches,
         (SELECT count(*) FROM deliveries)::int AS deliveries`;

/** Deliveries never sent (expired while held, or skipped): kept as a record for the retention window, then deleted. */
const UNSENT_DELIVERIES_SQL = `
  DELETE FROM deliveries WHERE id IN (
    SELECT id FROM deliveries WHERE state IN ('EXPIRED', 'SKIPPED') AND created_at < $1 ORDER BY created_at LIMIT $2
  )`;

/**
 * Old events, from the cursor ($3, $4) on, that are fanned out and that no delivery references any more (the deliveries index by
 * event answers that, and the foreign key's own check). A row another statement holds is skipped.
 */
const UNREFERENCED_EVENTS_SQL = `
  WITH candidates AS (
    SELECT org_id, id, created_at, seq FROM events
    WHERE created_at < $1 AND (created_at, seq) > ($3::timestamptz, $4::bigint)
    ORDER BY created_at, seq LIMIT $2
  ), last AS (
    SELECT created_at, seq FROM candidates ORDER BY created_at DESC, seq DESC LIMIT 1
  ), doomed AS (
    SELECT e.org_id, e.id FROM events e JOIN candidates c ON c.org_id = e.org_id AND c.id = e.id
    WHERE e.fanned_out_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.org_id = e.org_id AND d.event_id = e.id)
    FOR UPDATE OF e SKIP LOCKED
  ), deleted AS (
    DELETE FROM events e USING doomed WHERE e.org_id = doomed.org_id AND e.id = doomed.id RETURNING 1
  )
  SELECT (SELECT count(*) FROM candidates)::int AS scanned, (SELECT count(*) FROM deleted)::int AS deleted,
         (SELECT created_at::text FROM last) AS last_created_at, (SELECT seq FROM last) AS last_seq`;

/** Idempotency keys past their TTL: a retry after that is a new request. */
const IDEMPOTENCY_KEYS_SQL = `
  DELETE FROM ingest_requests WHERE (org_id, idempotency_key) IN (
    SELECT org_id, idempotency_key FROM ingest_requests WHERE created_at < $1 ORDER BY created_at LIMIT $2
  )`;
