#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:fan-out`: the same backlog (100,000 unfanned events over 20 orgs, each org with
 * one subscription to a fast receiver) fanned out and delivered by 1, 2 and 4 worker processes,
 * started as `npm run start:worker` starts them. Reports events/s fanned out and delivered for
 * each, and the most sessions ever seen waiting on fan-out's locks (sampled every 100 ms): a global
 * fan-out lock would show waiters; partition try-locks never wait. (Waiters on delivery's
 * per-subscription batch locks are shown apart.)
 *
 * The machine is shared, so the worker counts alternate over BENCH_FANOUT_ROUNDS (3) rounds, each
 * round in a different order, and the table shows each count's median round (by delivered/s).
 *
 * Own database (BENCH_FANOUT_DB, default optline_bench_fanout) and Redis DB (BENCH_FANOUT_REDIS_URL,
 * default DB 8), both emptied at the start. BENCH_FANOUT_EVENTS and BENCH_FANOUT_WORKERS (e.g.
 * "1,2,4") change the run.
 */
const { Client } = require('pg');
const { sleep } = require('./lib/processes');
const fleet = require('./lib/fleet');

const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 100_000);
const ORGS = 20;
const WORKER_COUNTS = (process.env.BENCH_FANOUT_WORKERS ?? '1,2,4').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 3);

const { pgBase, database, env } = fleet.benchSetup({
  database: process.env.BENCH_FANOUT_DB ?? 'optline_bench_fanout',
  redisUrl: process.env.BENCH_FANOUT_REDIS_URL ?? 'redis://127.0.0.1:6379/8',
  // The backlog is found by the sweeper (no API job): look often so the start is not a wait.
  extraEnv: { SWEEP_INTERVAL_MS: '200' },
});

/**
 * The backlog, committed at once while the workers already run, dated a minute back so that their
 * sweepers take it up at once (there is no API job).
 */
async function seedBacklog(db, orgIds) {
  await db.query(
    `INSERT INTO events (id, org_id, type, channel, payload, occurred_at, created_at)
     SELECT gen_random_uuid(), ($1::uuid[])[1 + g % $2], 'EMAIL_SENT', 'EMAIL', '{}', now(), now() - interval '1 minute'
     FROM generate_series(0, $3 - 1) g`,
    [orgIds, orgIds.length, EVENTS],
  );
}

async function runWith(workerCount, db, orgIds, receiver) {
  await fleet.flushRedis(env.REDIS_URL);
  receiver.counts.events = 0;
  await db.query('TRUNCATE delivery_attempts, deliveries, delivery_batches, events');
  const workers = await fleet.startWorkers(workerCount, env, 3800);
  await seedBacklog(db, orgIds);
  const started = Date.now();
  let fannedAt = 0;
  const maxWaiters = { fanOut: 0, other: 0 };
  try {
    for (;;) {
      const waiters = await fleet.advisoryWaiters(db);
      maxWaiters.fanOut = Math.max(maxWaiters.fanOut, waiters.fanOut);
      maxWaiters.other = Math.max(maxWaiters.other, waiters.other);
      if (!fannedAt) {
        const { rows } = await db.query('SELECT count(*)::int AS n FROM events WHERE fanned_out_at IS NULL');
        if (rows[0].n === 0) fannedAt = Date.now();
      }
      if (fannedAt && receiver.counts.events >= EVENTS) break;
      if (Date.now() - started > 900_000) throw new Error(`timed out: ${receiver.counts.events} of ${EVENTS} delivered`);
      await sleep(100);
    }
  } finally {
    await fleet.stopAll(workers);
  }
  const deliveredAt = Date.now();
  const { rows } = await db.query(`SELECT count(*)::int AS n, count(DISTINCT (org_id, event_id))::int AS distinct FROM deliveries`);
  const result = {
    workers: workerCount,
    fannedOutPerSecond: Math.round(EVENTS / ((fannedAt - started) / 1000)),
    deliveredPerSecond: Math.round(EVENTS / ((deliveredAt - started) / 1000)),
    seconds: (deliveredAt - started) / 1000,
    exactlyOnce: rows[0].n === EVENTS && rows[0].distinct === EVENTS && receiver.counts.events === EVENTS,
    maxFanOutLockWaiters: maxWaiters.fanOut,
    maxBatchLockWaiters: maxWaiters.other,
  };
  fleet.log(JSON.stringify(result));
  return result;
}

async function main() {
  fleet.buildIfMissing();
  await fleet.freshDatabase(pgBase, database, env);
  const receiver = await fleet.countingReceiver();
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const orgIds = await fleet.orgsWithSubscriptions(db, ORGS, receiver.url, 'EMAIL_SENT');
    const { rows } = await db.query(`SELECT count(DISTINCT get_byte(uuid_send(id), 15) % 16)::int AS n FROM orgs`);
    fleet.log(`${EVENTS} events over ${ORGS} orgs in ${rows[0].n} of 16 partitions; workers ${WORKER_COUNTS.join(', ')}`);
    const rounds = new Map(WORKER_COUNTS.map((count) => [count, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? WORKER_COUNTS : [...WORKER_COUNTS].reverse();
      for (const count of order) rounds.get(count).push(await runWith(count, db, orgIds, receiver));
    }
    const medians = [...rounds.values()].map((runs) => {
      const sorted = [...runs].sort((a, b) => a.deliveredPerSecond - b.deliveredPerSecond);
      const median = sorted[Math.floor(sorted.length / 2)];
      return {
        ...median,
        fannedOutRounds: runs.map((r) => r.fannedOutPerSecond).join(' '),
        deliveredRounds: runs.map((r) => r.deliveredPerSecond).join(' '),
        exactlyOnce: runs.every((r) => r.exactlyOnce),
        maxFanOutLockWaiters: Math.max(...runs.map((r) => r.maxFanOutLockWaiters)),
      };
    });
    console.table(medians);
  } finally {
    await db.end();
    await receiver.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
