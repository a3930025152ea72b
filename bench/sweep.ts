/**
 * Times the sweeper's queries with a large held backlog: HELD deliveries held for one PAUSED
 * subscription (plus 20 ACTIVE subscriptions with nothing due), and the worker's /metrics delivery
 * gauges next to the full count they replaced. Needs a migrated database:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/optline_test_h11 HELD=1000000 \
 *     npx ts-node -r tsconfig-paths/register --transpile-only bench/sweep.ts
 *
 * Reports the median of 5 sweeps while the backlog is younger than WEBHOOK_HOLD_DAYS (nothing to
 * expire), then of 5 once it is all older (each sweep expires one chunk of 1,000).
 */
import { BatchesService, FanOutService } from '@app/domain';
import { readDeliveryGauges } from '../apps/worker/src/delivery-gauges';
import { benchOrg } from './lib/bench-org';

/** What /metrics ran on every scrape before the gauges were capped: a count of every pending row. */
const FULL_COUNT_OF_PENDING = `
  SELECT CASE WHEN s.status = 'PAUSED' THEN 'HELD' ELSE 'PENDING' END AS state, count(*)::int AS n
  FROM deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id
  WHERE d.state = 'PENDING' GROUP BY 1
  UNION ALL
  SELECT 'IN_FLIGHT', coalesce(sum(event_count), 0)::int FROM delivery_batches WHERE state = 'SENDING'`;

/** Median and max of 5 timed runs, in ms. */
async function timed(work: () => Promise<unknown>): Promise<{ medianMs: string; maxMs: string }> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await work();
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  runs.sort((a, b) => a - b);
  return { medianMs: runs[2].toFixed(1), maxMs: runs[4].toFixed(1) };
}

const HELD = Number(process.env.HELD ?? 1_000_000);

async function main(): Promise<void> {
  const { dataSource, q, orgId, callbackId, pausedSubscriptionId, drop } = await benchOrg('sweep', 'EMAIL_FAILED');
  const org = { id: orgId };
  const callback = { id: callbackId };
  const held = { id: pausedSubscriptionId };
  await q(
    `INSERT INTO event_subscriptions (org_id, name, callback_id, event_types, status) SELECT $1, 'active-' || g, $2, ARRAY['T' || g], 'ACTIVE' FROM generate_series(1, 20) g`,
    [org.id, callback.id],
  );
  let seeding = Date.now();
  await q(
    `INSERT INTO events (id, org_id, type, payload, occurred_at, fanned_out_at) SELECT gen_random_uuid(), $1, 'EMAIL_FAILED', '{}', now(), now() FROM generate_series(1, $2)`,
    [org.id, HELD],
  );
  // Autovacuum may be off (it is on the bench machine): without statistics the planner may check
  // each delivery's foreign key by a scan of events, which turns this insert from a minute into hours.
  await q('ANALYZE events');
  await q(
    `INSERT INTO deliveries (org_id, subscription_id, event_id, created_at)
     SELECT $1, $2, id, now() - interval '1 day' FROM events WHERE org_id = $1`,
    [org.id, held.id],
  );
  await q('ANALYZE');
  seeding = Date.now() - seeding;

  const batches = new BatchesService(dataSource);
  const fanOut = new FanOutService(dataSource);
  const sweep = async () => {
    const t = process.hrtime.bigint();
    await fanOut.hasStaleUnfanned(2000);
    await batches.subscriptionsNeedingFlush(100);
    const expired = await batches.expireHeld(15, 1000);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, expired };
  };
  const median = async () => {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await sweep());
    runs.sort((a, b) => a.ms - b.ms);
    return { medianMs: runs[2].ms.toFixed(1), maxMs: runs[4].ms.toFixed(1), expiredPerSweep: runs[2].expired };
  };
  const nothingDue = await median();
  const metricsScrape = { cappedGauges: await timed(() => readDeliveryGauges(dataSource)), fullCountBefore: await timed(() => q(FULL_COUNT_OF_PENDING)) };
  await q(`UPDATE deliveries SET created_at = now() - interval '20 days' WHERE subscription_id = $1`, [held.id]);
  await q('ANALYZE deliveries');
  const allExpiring = await median();
  console.log(JSON.stringify({ held: HELD, seededIn: `${seeding} ms`, nothingDue, allExpiring, metricsScrape }, null, 2));

  await drop();
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
