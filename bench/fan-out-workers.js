#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:fan-out`: the same backlog (100,000 unfanned events over 20 orgs, each org with
 * one subscription to a fast receiver) fanned out and delivered by 1, 2 and 4 worker processes,
 * started as `npm run start:worker` starts them. Reports events/s fanned out and delivered for
 * each, and the most sessions ever seen waiting on an advisory lock (sampled every 100 ms): a
 * global fan-out lock would show as waiters; partition try-locks never wait.
 *
 * Own database (BENCH_FANOUT_DB, default optline_bench_fanout) and Redis DB (BENCH_FANOUT_REDIS_URL,
 * default DB 8), both emptied at the start. BENCH_FANOUT_EVENTS and BENCH_FANOUT_WORKERS (e.g.
 * "1,2,4") change the run.
 */
const { Client } = require('pg');
const { sleep } = require('./lib/processes');
const fleet = require('./lib/fleet');

const PG_BASE = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE = process.env.BENCH_FANOUT_DB ?? 'optline_bench_fanout';
const REDIS_URL = process.env.BENCH_FANOUT_REDIS_URL ?? 'redis://127.0.0.1:6379/8';
const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 100_000);
const ORGS = 20;
const WORKER_COUNTS = (process.env.BENCH_FANOUT_WORKERS ?? '1,2,4').split(',').map(Number);

const env = {
  DATABASE_URL: `${PG_BASE}/${DATABASE}`,
  REDIS_URL,
  LOG_LEVEL: 'warn',
  ALLOW_PRIVATE_CALLBACK_URLS: 'true',
  WEBHOOK_FLUSH_MS: '100',
  // The backlog is found by the sweeper (no API job): look often so the start is not a wait.
  SWEEP_INTERVAL_MS: '200',
};

/** The backlog, committed at once and dated a minute back so the sweeper takes it up at its next run. */
async function seedBacklog(db, orgIds) {
  await db.query('TRUNCATE delivery_attempts, deliveries, delivery_batches, events');
  await db.query(
    `INSERT INTO events (id, org_id, type, channel, payload, occurred_at, created_at)
     SELECT gen_random_uuid(), ($1::uuid[])[1 + g % $2], 'EMAIL_SENT', 'EMAIL', '{}', now(), now() - interval '1 minute'
     FROM generate_series(0, $3 - 1) g`,
    [orgIds, orgIds.length, EVENTS],
  );
  await db.query('VACUUM ANALYZE events, deliveries, delivery_batches, delivery_attempts');
}

async function runWith(workerCount, db, orgIds, receiver) {
  await fleet.flushRedis(REDIS_URL);
  receiver.counts.events = 0;
  await seedBacklog(db, orgIds);
  const started = Date.now();
  const workers = await fleet.startWorkers(workerCount, env, 3800);
  let fannedAt = 0;
  let maxWaiters = 0;
  try {
    for (;;) {
      maxWaiters = Math.max(maxWaiters, await fleet.advisoryWaiters(db));
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
    maxAdvisoryWaiters: maxWaiters,
  };
  fleet.log(JSON.stringify(result));
  return result;
}

async function main() {
  fleet.buildIfMissing();
  await fleet.freshDatabase(PG_BASE, DATABASE, env);
  const receiver = await fleet.countingReceiver();
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const orgIds = await fleet.orgsWithSubscriptions(db, ORGS, receiver.url, 'EMAIL_SENT');
    const { rows } = await db.query(`SELECT count(DISTINCT get_byte(uuid_send(id), 15) % 16)::int AS n FROM orgs`);
    fleet.log(`${EVENTS} events over ${ORGS} orgs in ${rows[0].n} of 16 partitions; workers ${WORKER_COUNTS.join(', ')}`);
    const results = [];
    for (const count of WORKER_COUNTS) results.push(await runWith(count, db, orgIds, receiver));
    console.table(results);
  } finally {
    await db.end();
    await receiver.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
