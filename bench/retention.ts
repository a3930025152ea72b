/**
 * Times a retention pass over N old rows and what a request sees meanwhile. Not part of
 * `npm run bench` (it needs a migrated database and writes straight to the tables):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/optline_test_h11 BATCHES=20000 \
 *     npx ts-node -r tsconfig-paths/register --transpile-only bench/retention.ts
 *
 * It seeds BATCHES delivered batches of 10 deliveries (one attempt each, 1 KiB of response body),
 * their events, as many expired deliveries and idempotency keys, and 10,000 old events still
 * referenced by held deliveries (which must stay); all 40 days old. Then one pass with the default
 * chunk size, while another connection records ingest keys (what a request does) and times them.
 */
import { RetentionService } from '@app/domain';
import { randomUUID } from 'node:crypto';
import { benchOrg } from './lib/bench-org';

const BATCHES = Number(process.env.BATCHES ?? 20000);
const PER_BATCH = 10;
const OLD = `now() - interval '40 days'`;

async function main(): Promise<void> {
  const { dataSource, q, orgId, pausedSubscriptionId, drop } = await benchOrg('retention', 'EMAIL_BOUNCED');
  const org = { id: orgId };
  const sub = { id: pausedSubscriptionId };

  let seeding = Date.now();
  const events = BATCHES * PER_BATCH;
  await q(
    `INSERT INTO events (id, org_id, type, payload, occurred_at, created_at, fanned_out_at)
     SELECT gen_random_uuid(), $1, 'EMAIL_BOUNCED', '{}', ${OLD}, ${OLD}, ${OLD} FROM generate_series(1, $2)`,
    [org.id, events + BATCHES + 10000],
  );
  await q(
    `INSERT INTO delivery_batches (id, org_id, subscription_id, state, event_count, attempt_count, created_at, delivered_at)
     SELECT gen_random_uuid(), $1, $2, 'DELIVERED', ${PER_BATCH}, 1, ${OLD}, ${OLD} FROM generate_series(1, $3)`,
    [org.id, sub.id, BATCHES],
  );
  await q(
    `INSERT INTO delivery_attempts (org_id, batch_id, attempt_number, url, status_code, duration_ms, response_body)
     SELECT org_id, id, 1, 'http://127.0.0.1:1/', 200, 5, repeat('x', 1024) FROM delivery_batches WHERE subscription_id = $1`,
    [sub.id],
  );
  // Events in seq order: the first BATCHES * PER_BATCH ride in batches, the next BATCHES expired,
  // the last 10,000 are held (and so kept).
  await q(
    `WITH e AS (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM events WHERE org_id = $1),
          b AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM delivery_batches WHERE subscription_id = $2)
     INSERT INTO deliveries (org_id, subscription_id, event_id, state, batch_id, created_at)
     SELECT $1, $2, e.id,
            CASE WHEN e.n <= $3 THEN 'BATCHED' WHEN e.n <= $3 + $4 THEN 'EXPIRED' ELSE 'PENDING' END,
            b.id, ${OLD}
     FROM e LEFT JOIN b ON e.n <= $3 AND b.n = (e.n - 1) / ${PER_BATCH} + 1`,
    [org.id, sub.id, events, BATCHES],
  );
  await q(
    `INSERT INTO ingest_requests (org_id, idempotency_key, request_hash, created_at)
     SELECT $1, 'bench-' || g, 'h', ${OLD} FROM generate_series(1, $2) g`,
    [org.id, events],
  );
  await q('ANALYZE');
  seeding = Date.now() - seeding;

  // A request's write, timed throughout the pass: it must never wait for the pass.
  let passing = true;
  const latencies: number[] = [];
  const requests = (async () => {
    while (passing) {
      const t = process.hrtime.bigint();
      await q(`INSERT INTO ingest_requests (org_id, idempotency_key, request_hash) VALUES ($1, $2, 'h')`, [org.id, randomUUID()]);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  })();
  const startedAt = Date.now();
  const pruned = await new RetentionService(dataSource).prune({ retentionDays: 30, idempotencyTtlHours: 24, chunkSize: 5000 });
  const passMs = Date.now() - startedAt;
  passing = false;
  await requests;
  const [left] = await q(
    `SELECT (SELECT count(*) FROM events WHERE org_id = $1)::int AS events, (SELECT count(*) FROM deliveries WHERE org_id = $1)::int AS deliveries`,
    [org.id],
  );
  latencies.sort((a, b) => a - b);
  const deleted = pruned!.batches + pruned!.deliveries + pruned!.events + pruned!.ingestRequests;
  console.log(
    JSON.stringify(
      {
        seededIn: `${seeding} ms`,
        pruned,
        left,
        passMs,
        rowsPerSecond: Math.round((deleted / passMs) * 1000),
        concurrentWrites: latencies.length,
        writeP50ms: latencies[Math.floor(latencies.length / 2)]?.toFixed(2),
        writeP99ms: latencies[Math.floor(latencies.length * 0.99)]?.toFixed(2),
        writeMaxMs: latencies[latencies.length - 1]?.toFixed(2),
      },
      null,
      2,
    ),
  );
  await drop();
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
