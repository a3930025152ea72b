#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: every benchmark on this machine, side by side with its baseline, then one
 * summary table. Uses its own database (optline_bench) and Redis DB (14); see bench/README.md.
 * BENCH_QUICK=1 runs a short smoke version (not for the figures).
 */
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const Redis = require('ioredis');
const { ROOT, startProcess, waitHttp, peakRssMb, stop, run, sleep } = require('./lib/processes');
const { benchWritePath } = require('./write-path');
const { benchThroughput, benchSteadyRate } = require('./end-to-end');
const { benchBareBullmq } = require('./bullmq-bare');
const { createOrgWithKey, registerCustomers } = require('./lib/fleet');

const QUICK = process.env.BENCH_QUICK === '1';
const PG_BASE = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE_URL = `${PG_BASE}/optline_bench`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const PORTS = { api: 3400, worker: 3401, baseline: 3500, receiver: 3600 };
const FLUSH_MS = 100; // the default WEBHOOK_FLUSH_MS
const SETTINGS = QUICK
  ? { rounds: 1, seconds: 3, warmupSeconds: 1, events: 10_000, steadySeconds: 5, bareJobs: 20_000 }
  : { rounds: 3, seconds: 10, warmupSeconds: 5, events: 100_000, steadySeconds: 15, bareJobs: 100_000 };

const log = (message) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const env = {
  DATABASE_URL,
  REDIS_URL,
  LOG_LEVEL: 'warn',
  ALLOW_PRIVATE_CALLBACK_URLS: 'true',
  WEBHOOK_FLUSH_MS: String(FLUSH_MS),
};
/** The apps start exactly as `npm run start:api` / `start:worker` start them, node flags included. */
const SCRIPTS = require('../package.json').scripts;
const nodeArgs = (script) => SCRIPTS[script].replace(/^node\s+/, '').split(/\s+/);
const API_ARGS = nodeArgs('start:api');
const WORKER_ARGS = nodeArgs('start:worker');
const API_MAIN = API_ARGS.at(-1);
const WORKER_MAIN = WORKER_ARGS.at(-1);
const CLI = 'dist/apps/api/apps/api/src/cli.js';

async function freshDatabase() {
  const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS optline_bench WITH (FORCE)');
  await admin.end();
  run(process.execPath, [CLI, 'migrate'], env);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb(); // FLUSHDB: this Redis DB only
  redis.disconnect();
}

async function waitFannedOut(db, timeoutMs = 300000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM events WHERE fanned_out_at IS NULL');
    if (rows[0].n === 0) return;
    if (Date.now() > until) throw new Error(`${rows[0].n} events still unfanned`);
    await sleep(500);
  }
}

/**
 * This machine's Postgres runs with autovacuum off, so nothing would clean the rows each phase
 * updates (events fanned out, deliveries batched) and every later phase would pay for the dead
 * ones. A deployment has autovacuum; the bench does its job between phases instead.
 */
async function vacuum(db) {
  await db.query('VACUUM ANALYZE events, deliveries, delivery_batches, delivery_attempts, consents, consent_ledger, customers');
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ')).join('\n');
}

async function main() {
  if (!existsSync(path.join(ROOT, API_MAIN)) || !existsSync(path.join(ROOT, WORKER_MAIN))) {
    log('building');
    run('npm', ['run', 'build'], {});
  }
  log(`${QUICK ? 'QUICK smoke run' : 'full run'} on ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  await freshDatabase();
  const key = createOrgWithKey(env, 'bench');
  createOrgWithKey(env, 'bench-baseline');
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const baselineOrgId = (await db.query("SELECT id FROM orgs WHERE slug = 'bench-baseline'")).rows[0].id;

  const children = [];
  try {
    const apiProcess = startProcess('api', API_ARGS, { ...env, PORT: String(PORTS.api) });
    children.push(apiProcess);
    await waitHttp(`http://127.0.0.1:${PORTS.api}/health/ready`, apiProcess);
    const api = { url: `http://127.0.0.1:${PORTS.api}`, authorization: `Bearer ${key}` };
    const customerIds = await registerCustomers(api, 1000);
    const baselineCustomers = (
      await db.query('INSERT INTO customers (org_id) SELECT $1 FROM generate_series(1, 1000) RETURNING id', [baselineOrgId])
    ).rows.map((r) => Number(r.id));

    // 1. The write path, the worker not yet running, so both servers have the cores to themselves.
    const baselineProcess = startProcess('baseline', ['bench/baseline/server.js'], { ...env, PORT: String(PORTS.baseline), BASELINE_ORG_ID: baselineOrgId });
    children.push(baselineProcess);
    await waitHttp(`http://127.0.0.1:${PORTS.baseline}/health`, baselineProcess);
    const writePath = await benchWritePath({
      optline: { ...api, customerIds },
      baseline: { url: `http://127.0.0.1:${PORTS.baseline}`, customerIds: baselineCustomers },
      ...SETTINGS,
      log,
    });
    await stop(baselineProcess);

    // 2. End to end, with the worker and the receiver.
    const workerProcess = startProcess('worker', WORKER_ARGS, { ...env, WORKER_PORT: String(PORTS.worker) });
    const receiverProcess = startProcess('receiver', ['bench/receiver.js'], { RECEIVER_PORT: String(PORTS.receiver) });
    children.push(workerProcess, receiverProcess);
    await waitHttp(`http://127.0.0.1:${PORTS.worker}/health/ready`, workerProcess);
    const receiverUrl = `http://127.0.0.1:${PORTS.receiver}`;
    await waitHttp(`${receiverUrl}/stats?subscription=none`, receiverProcess);
    log('worker catching up with the write-path backlog');
    await waitFannedOut(db);
    await vacuum(db);

    const one = await benchThroughput({ api, receiverUrl, db, customerIds, label: 'one', types: ['WEBPUSH_FAILED'], total: SETTINGS.events, log });
    await vacuum(db);
    const tenTypes = ['EMAIL_BOUNCED', 'EMAIL_FAILED', 'EMAIL_SKIPPED', 'EMAIL_CLICKED', 'EMAIL_COMPLAINT', 'SMS_FAILED', 'SMS_SKIPPED', 'SMS_RECEIPT', 'PUSH_FAILED', 'PUSH_BOUNCED'];
    const ten = await benchThroughput({ api, receiverUrl, db, customerIds, label: 'ten', types: tenTypes, total: SETTINGS.events, log });
    await vacuum(db);
    const steady = await benchSteadyRate({ api, receiverUrl, customerIds, type: 'WEBPUSH_BOUNCED', seconds: SETTINGS.steadySeconds, log });
    const memory = { apiMb: peakRssMb(apiProcess.pid), workerMb: peakRssMb(workerProcess.pid) };
    await stop(workerProcess);
    await stop(receiverProcess);
    await stop(apiProcess);

    // The bare BullMQ rate, on the same Redis, with nothing else running.
    const bare = await benchBareBullmq({ redisUrl: REDIS_URL, jobs: SETTINGS.bareJobs, concurrency: 64 });
    log(`bare BullMQ: ${bare.perSecond} jobs/s`);

    const bars = {
      writeRps: writePath.optline.rps / writePath.baseline.rps,
      writeP99: writePath.optline.p99 / writePath.baseline.p99,
      oneVsBare: one.deliveredPerSecond / bare.perSecond,
      tenVsBare: ten.deliveredPerSecond / bare.perSecond,
    };
    const ok = (pass) => (pass ? 'ok' : 'SHORT');
    const rows = [
      ['figure', 'optline', 'baseline', 'ratio', 'bar', ''],
      ['write path req/s (32 conn)', writePath.optline.rps, writePath.baseline.rps, bars.writeRps.toFixed(2), '>= 0.80', ok(bars.writeRps >= 0.8)],
      ['write path p50 ms', writePath.optline.p50, writePath.baseline.p50, (writePath.optline.p50 / writePath.baseline.p50).toFixed(2), '', ''],
      ['write path p99 ms', writePath.optline.p99, writePath.baseline.p99, bars.writeP99.toFixed(2), '<= 1.25', ok(bars.writeP99 <= 1.25)],
      ['write path errors', writePath.optline.errors, writePath.baseline.errors, '', '0', ok(writePath.optline.errors === 0)],
      ['e2e 1 sub events/s delivered', one.deliveredPerSecond, `${bare.perSecond} (bare BullMQ jobs/s)`, bars.oneVsBare.toFixed(2), '>= 0.33', ok(bars.oneVsBare >= 1 / 3)],
      ['e2e 1 sub latency p50 / p99 ms', `${one.p50} / ${one.p99}`, '', '', '', ''],
      ['e2e 10 subs events/s delivered', ten.deliveredPerSecond, `${bare.perSecond} (bare BullMQ jobs/s)`, bars.tenVsBare.toFixed(2), '>= 0.33', ok(bars.tenVsBare >= 1 / 3)],
      ['e2e 10 subs latency p50 / p99 ms', `${ten.p50} / ${ten.p99}`, '', '', '', ''],
      ['exactly once, in order (1 / 10)', `${one.exactlyOnce && one.inOrder} / ${ten.exactlyOnce && ten.inOrder}`, '', '', 'true', ok(one.exactlyOnce && one.inOrder && ten.exactlyOnce && ten.inOrder)],
      ['steady 1,000/s latency p50 / p99 ms', `${steady.p50} / ${steady.p99}`, '', '', `p99 <= ${FLUSH_MS + 100}`, ok(steady.p99 <= FLUSH_MS + 100)],
      ['peak RSS api MB', memory.apiMb, '', '', '<= 200', ok(memory.apiMb <= 200)],
      ['peak RSS worker MB', memory.workerMb, '', '', '<= 300', ok(memory.workerMb <= 300)],
    ];
    const summary = table(rows);
    process.stdout.write(`\n${summary}\n\n`);
    const results = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model, node: process.version },
      quick: QUICK,
      settings: SETTINGS,
      writePath,
      endToEnd: { one, ten, steady, bare },
      memory,
      summary,
    };
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(path.join(__dirname, 'results', 'latest.json'), JSON.stringify(results, null, 2));
    log('results written to bench/results/latest.json');
  } finally {
    for (const child of children) await stop(child);
    await db.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
