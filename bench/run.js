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
const { benchConsent } = require('./consent-benches');
const { benchThroughput, benchSteadyRate } = require('./end-to-end');
const { benchBareBullmq } = require('./bullmq-bare');
const { createOrgWithKey, registerCustomers } = require('./lib/fleet');

const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=consent: the consent figures and the API's memory, without the delivery phases. */
const CONSENT_ONLY = process.env.BENCH_ONLY === 'consent';
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
  // The key's budget is still counted on every request (its cost is measured), but set above any
  // rate one key reaches here: one decision passes 4,000 requests/s, near the default 5,000.
  RATE_LIMIT_KEY_PER_SECOND: '1000000',
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

const ok = (pass) => (pass ? 'ok' : 'SHORT');
const range = ([low, high]) => `${low}-${high}`;

/** The consent rows: write path, one decision and bulk decisions, each beside its baseline. */
function consentRows({ writePath, oneDecision, bulkDecisions, questionsPerRequest }) {
  const perSecond = (side) => Math.round(side.rps * questionsPerRequest);
  const writeRps = writePath.optline.rps / writePath.baseline.rps;
  const writeP99 = writePath.optline.p99 / writePath.baseline.p99;
  const oneRps = oneDecision.optline.rps / oneDecision.baseline.rps;
  const oneP99 = oneDecision.optline.p99 / oneDecision.baseline.p99;
  const bulkRate = perSecond(bulkDecisions.optline) / perSecond(bulkDecisions.baseline);
  const errors = (side) => [writePath, oneDecision, bulkDecisions].map((figure) => figure[side].errors);
  return [
    ['write path req/s (32 conn)', writePath.optline.rps, writePath.baseline.rps, writeRps.toFixed(2), '>= 0.90', ok(writeRps >= 0.9)],
    ['  rounds req/s', range(writePath.optline.rpsRange), range(writePath.baseline.rpsRange), '', '', ''],
    ['write path p50 ms', writePath.optline.p50, writePath.baseline.p50, (writePath.optline.p50 / writePath.baseline.p50).toFixed(2), '', ''],
    ['write path p99 ms', writePath.optline.p99, writePath.baseline.p99, writeP99.toFixed(2), '<= 1.25', ok(writeP99 <= 1.25)],
    ['  rounds p99 ms', range(writePath.optline.p99Range), range(writePath.baseline.p99Range), '', '', ''],
    ['one decision req/s (32 conn)', oneDecision.optline.rps, oneDecision.baseline.rps, oneRps.toFixed(2), '>= 0.80', ok(oneRps >= 0.8)],
    ['  rounds req/s', range(oneDecision.optline.rpsRange), range(oneDecision.baseline.rpsRange), '', '', ''],
    ['one decision p99 ms', oneDecision.optline.p99, oneDecision.baseline.p99, oneP99.toFixed(2), '<= 1.25', ok(oneP99 <= 1.25)],
    ['  rounds p99 ms', range(oneDecision.optline.p99Range), range(oneDecision.baseline.p99Range), '', '', ''],
    ['bulk decisions/s (1,000 a request, 4 conn)', perSecond(bulkDecisions.optline), perSecond(bulkDecisions.baseline), bulkRate.toFixed(2), '>= 50,000, >= 0.50', ok(perSecond(bulkDecisions.optline) >= 50_000 && bulkRate >= 0.5)],
    ['  rounds requests/s', range(bulkDecisions.optline.rpsRange), range(bulkDecisions.baseline.rpsRange), '', '', ''],
    ['bulk p99 ms a request', bulkDecisions.optline.p99, bulkDecisions.baseline.p99, (bulkDecisions.optline.p99 / bulkDecisions.baseline.p99).toFixed(2), '<= 100 ms', ok(bulkDecisions.optline.p99 <= 100)],
    ['  rounds p99 ms', range(bulkDecisions.optline.p99Range), range(bulkDecisions.baseline.p99Range), '', '', ''],
    ['errors (write, one, bulk)', errors('optline').join(', '), errors('baseline').join(', '), '', '0', ok(errors('optline').every((n) => n === 0))],
  ];
}

/** The delivery rows (absent with BENCH_ONLY=consent) and memory. */
function deliveryRows({ one, ten, steady, bare, memory }) {
  const rows = [];
  if (one) {
    const oneVsBare = one.deliveredPerSecond / bare.perSecond;
    const tenVsBare = ten.deliveredPerSecond / bare.perSecond;
    rows.push(
      ['e2e 1 sub events/s delivered', one.deliveredPerSecond, `${bare.perSecond} (bare BullMQ jobs/s)`, oneVsBare.toFixed(2), '>= 0.33', ok(oneVsBare >= 1 / 3)],
      ['e2e 1 sub latency p50 / p99 ms', `${one.p50} / ${one.p99}`, '', '', '', ''],
      ['e2e 10 subs events/s delivered', ten.deliveredPerSecond, `${bare.perSecond} (bare BullMQ jobs/s)`, tenVsBare.toFixed(2), '>= 0.33', ok(tenVsBare >= 1 / 3)],
      ['e2e 10 subs latency p50 / p99 ms', `${ten.p50} / ${ten.p99}`, '', '', '', ''],
      ['exactly once, in order (1 / 10)', `${one.exactlyOnce && one.inOrder} / ${ten.exactlyOnce && ten.inOrder}`, '', '', 'true', ok(one.exactlyOnce && one.inOrder && ten.exactlyOnce && ten.inOrder)],
      ['steady 1,000/s latency p50 / p99 ms', `${steady.p50} / ${steady.p99}`, '', '', `p99 <= ${FLUSH_MS + 100}`, ok(steady.p99 <= FLUSH_MS + 100)],
    );
  }
  rows.push(['peak RSS api MB', memory.apiMb, '', '', '<= 200', ok(memory.apiMb <= 200)]);
  if (memory.workerMb !== null) rows.push(['peak RSS worker MB', memory.workerMb, '', '', '<= 300', ok(memory.workerMb <= 300)]);
  return rows;
}

/** Phases 2 to 4: end to end with the worker and a receiver, the steady rate, then bare BullMQ. */
async function benchDelivery({ api, db, customerIds, children, apiProcess, log }) {
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

  // The bare BullMQ rate, on the same Redis, with nothing else running.
  const bare = await benchBareBullmq({ redisUrl: REDIS_URL, jobs: SETTINGS.bareJobs, concurrency: 64 });
  log(`bare BullMQ: ${bare.perSecond} jobs/s`);

  return { one, ten, steady, bare, memory };
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

    // 1. The consent figures, the worker not yet running, so both servers have the cores to themselves.
    const baselineProcess = startProcess('baseline', ['bench/baseline/server.js'], { ...env, PORT: String(PORTS.baseline), BASELINE_ORG_ID: baselineOrgId });
    children.push(baselineProcess);
    await waitHttp(`http://127.0.0.1:${PORTS.baseline}/health`, baselineProcess);
    const consent = await benchConsent({
      optline: { ...api, customerIds },
      baseline: { url: `http://127.0.0.1:${PORTS.baseline}`, customerIds: baselineCustomers },
      ...SETTINGS,
      log,
    });
    const { writePath, oneDecision, bulkDecisions } = consent;
    await stop(baselineProcess);

    let delivery = null;
    if (CONSENT_ONLY) {
      delivery = { memory: { apiMb: peakRssMb(apiProcess.pid), workerMb: null } };
    } else {
      delivery = await benchDelivery({ api, db, customerIds, children, apiProcess, log });
    }
    await stop(apiProcess);
    const rows = [['figure', 'optline', 'baseline', 'ratio', 'bar', ''], ...consentRows(consent), ...deliveryRows(delivery)];
    const summary = table(rows);
    process.stdout.write(`\n${summary}\n\n`);
    const results = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model, node: process.version },
      quick: QUICK,
      settings: SETTINGS,
      consent,
      endToEnd: delivery,
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
