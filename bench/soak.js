#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:soak`: 1,000,000 events pushed through the whole path (POST /v1/events with an
 * Idempotency-Key per request -> fan-out -> delivery to a receiver) at a steady rate, with a
 * retention of minutes (fractional RETENTION_DAYS and IDEMPOTENCY_TTL_HOURS), sampling the size
 * of every table that grows with traffic. Once retention has run, the sizes must stay flat.
 *
 * This machine's Postgres runs with autovacuum off; a deployment's autovacuum makes the space of
 * deleted rows reusable, so the soak runs a plain VACUUM on these tables every VACUUM_EVERY_MS, as
 * autovacuum would (without it, deleted rows' space is never reused and sizes grow regardless).
 *
 * Own database (BENCH_SOAK_DB, default optline_bench_soak) and Redis DB (BENCH_SOAK_REDIS_URL,
 * default DB 8), both emptied at the start. BENCH_SOAK_EVENTS (1,000,000), BENCH_SOAK_RATE
 * (events/s, 1,500), BENCH_SOAK_RETENTION_MINUTES (3) change the run; at the defaults it takes
 * about 17 minutes.
 */
const { randomUUID } = require('node:crypto');
const { Client } = require('pg');
const { startProcess, waitHttp, sleep } = require('./lib/processes');
const fleet = require('./lib/fleet');

const EVENTS = Number(process.env.BENCH_SOAK_EVENTS ?? 1_000_000);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 1500);
const RETENTION_MINUTES = Number(process.env.BENCH_SOAK_RETENTION_MINUTES ?? 3);
const PER_REQUEST = 500;
const SAMPLE_EVERY_MS = 20_000;
const VACUUM_EVERY_MS = 30_000;
const TABLES = ['events', 'deliveries', 'delivery_batches', 'delivery_attempts', 'ingest_requests'];
const PORTS = { api: 3850, worker: 3851 };

const { pgBase, database, env } = fleet.benchSetup({
  database: process.env.BENCH_SOAK_DB ?? 'optline_bench_soak',
  redisUrl: process.env.BENCH_SOAK_REDIS_URL ?? 'redis://127.0.0.1:6379/8',
  extraEnv: {
    RETENTION_DAYS: String(RETENTION_MINUTES / 1440),
    IDEMPOTENCY_TTL_HOURS: String(RETENTION_MINUTES / 60),
    RETENTION_INTERVAL_MS: '20000',
    RATE_LIMIT_KEY_PER_SECOND: '100000',
  },
});

const mb = (bytes) => Number((Number(bytes) / 2 ** 20).toFixed(1));

async function sample(db, startedAt, progress) {
  const { rows } = await db.query(
    `SELECT relname, pg_total_relation_size(relid) AS bytes, n_live_tup FROM pg_stat_user_tables WHERE relname = ANY($1)`,
    [TABLES],
  );
  const by = Object.fromEntries(rows.map((r) => [r.relname, r]));
  // Any open transaction on the server that holds an xid, in any database, keeps VACUUM from
  // reusing the space of rows deleted since it began: the sizes then grow whatever retention does.
  const [held] = (
    await db.query(`SELECT COALESCE(max(EXTRACT(EPOCH FROM now() - xact_start)), 0)::int AS s FROM pg_stat_activity WHERE backend_xid IS NOT NULL`)
  ).rows;
  return {
    minute: Number(((Date.now() - startedAt) / 60000).toFixed(1)),
    ingested: progress.ingested,
    delivered: progress.delivered(),
    ...Object.fromEntries(TABLES.map((t) => [`${t} MB`, mb(by[t].bytes)])),
    'events rows': Number(by.events.n_live_tup),
    'deliveries rows': Number(by.deliveries.n_live_tup),
    'oldest xact s': held.s,
  };
}

/** Requests of PER_REQUEST events, started on a clock so that the rate holds whatever the latency. */
async function ingestAtRate(api, customerIds, progress) {
  const requests = Math.ceil(EVENTS / PER_REQUEST);
  const intervalMs = (PER_REQUEST / RATE) * 1000;
  const started = Date.now();
  const inflight = new Set();
  for (let r = 0; r < requests; r++) {
    const events = Array.from({ length: PER_REQUEST }, (_, i) => ({
      type: 'EMAIL_CLICKED',
      channel: 'EMAIL',
      customerId: customerIds[(r * PER_REQUEST + i) % customerIds.length],
      campaignName: 'soak',
    }));
    const request = fetch(`${api.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: api.authorization, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ events }),
    }).then(async (res) => {
      if (!res.ok) throw new Error(`POST /v1/events: ${res.status} ${(await res.text()).slice(0, 300)}`);
      progress.ingested += PER_REQUEST;
    });
    inflight.add(request);
    void request.finally(() => inflight.delete(request)).catch(() => undefined);
    if (inflight.size > 16) await Promise.race(inflight);
    const wait = started + (r + 1) * intervalMs - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(inflight);
}

async function main() {
  fleet.buildIfMissing();
  await fleet.freshDatabase(pgBase, database, env);
  const receiver = await fleet.countingReceiver();
  const key = fleet.createOrgWithKey(env, 'soak');
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const children = [];
  const samples = [];
  let done = false;
  try {
    const { rows } = await db.query(`SELECT id FROM orgs WHERE slug = 'soak'`);
    await fleet.subscribeOrg(db, rows[0].id, receiver.url, 'EMAIL_CLICKED');
    const apiProcess = startProcess('api', fleet.API_ARGS, { ...env, PORT: String(PORTS.api) });
    children.push(apiProcess);
    await waitHttp(`http://127.0.0.1:${PORTS.api}/health/ready`, apiProcess);
    children.push(...(await fleet.startWorkers(1, env, PORTS.worker)));
    const api = { url: `http://127.0.0.1:${PORTS.api}`, authorization: `Bearer ${key}` };
    const customerIds = await fleet.registerCustomers(api, 1000);
    fleet.log(`${EVENTS} events at ${RATE}/s, retention ${RETENTION_MINUTES} min, sampled every ${SAMPLE_EVERY_MS / 1000} s`);

    const startedAt = Date.now();
    const progress = { ingested: 0, delivered: () => receiver.counts.events };
    let lastVacuum = Date.now();
    const sampler = (async () => {
      while (!done) {
        await sleep(SAMPLE_EVERY_MS);
        if (Date.now() - lastVacuum >= VACUUM_EVERY_MS) {
          await db.query(`VACUUM ${TABLES.join(', ')}`);
          lastVacuum = Date.now();
        }
        const s = await sample(db, startedAt, progress);
        samples.push(s);
        fleet.log(JSON.stringify(s));
      }
    })();
    await ingestAtRate(api, customerIds, progress);
    const ingestSeconds = (Date.now() - startedAt) / 1000;
    while (receiver.counts.events < EVENTS) await sleep(500);
    const seconds = (Date.now() - startedAt) / 1000;
    // One more retention window and a pass, to see the sizes settle with nothing coming in.
    await sleep(RETENTION_MINUTES * 60_000 + 60_000);
    done = true;
    await sampler;
    console.table(samples);
    const third = Math.floor(samples.length / 3);
    const peak = (rows, table) => Math.max(...rows.map((s) => s[`${table} MB`]));
    const growth = Object.fromEntries(
      TABLES.map((t) => [t, `${peak(samples.slice(third, 2 * third), t)} -> ${peak(samples.slice(2 * third), t)} MB`]),
    );
    fleet.log(
      JSON.stringify({
        events: EVENTS,
        ingestPerSecond: Math.round(EVENTS / ingestSeconds),
        deliveredPerSecond: Math.round(EVENTS / seconds),
        delivered: receiver.counts.events,
        peakMbMiddleThirdThenLastThird: growth,
      }),
    );
  } finally {
    done = true;
    await fleet.stopAll(children);
    await db.end();
    await receiver.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
