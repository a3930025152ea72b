'use strict';
/**
 * What the fan-out-workers and soak benchmarks share: a fresh database and Redis DB of their own,
 * orgs with one subscription each to a counting receiver, and worker processes started exactly as
 * `npm run start:worker` starts them.
 */
const http = require('node:http');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const Redis = require('ioredis');
const { ROOT, startProcess, waitHttp, stop, run } = require('./processes');

const SCRIPTS = require('../../package.json').scripts;
const nodeArgs = (script) => SCRIPTS[script].replace(/^node\s+/, '').split(/\s+/);
const API_ARGS = nodeArgs('start:api');
const WORKER_ARGS = nodeArgs('start:worker');
const CLI = 'dist/apps/api/apps/api/src/cli.js';

const log = (message) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function buildIfMissing() {
  if (!existsSync(path.join(ROOT, API_ARGS.at(-1))) || !existsSync(path.join(ROOT, WORKER_ARGS.at(-1)))) {
    log('building');
    run('npm', ['run', 'build'], {});
  }
}

/**
 * A benchmark's settings: its own database and Redis DB, and the environment the apps start with
 * (`extraEnv` on top of what every benchmark sets).
 */
function benchSetup({ database, redisUrl, extraEnv = {} }) {
  const pgBase = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
  const env = {
    DATABASE_URL: `${pgBase}/${database}`,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_CALLBACK_URLS: 'true',
    WEBHOOK_FLUSH_MS: '100',
    ...extraEnv,
  };
  return { pgBase, database, env };
}

/** Drops and migrates `database`, and empties the Redis DB (FLUSHDB: that DB only). */
async function freshDatabase(pgBase, database, env) {
  const admin = new Client({ connectionString: `${pgBase}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  run(process.execPath, [CLI, 'migrate'], env);
  await flushRedis(env.REDIS_URL);
}

async function flushRedis(url) {
  const redis = new Redis(url);
  await redis.flushdb();
  redis.disconnect();
}

/** An org made as an operator makes one (the CLI); returns its API key. */
function createOrgWithKey(env, slug) {
  const out = run(process.execPath, [CLI, 'org:create', slug], env);
  return /key:\s+(\S+)/.exec(out)[1];
}

/** `count` customers registered through the API (8 requests in flight); returns their ids. */
async function registerCustomers(api, count) {
  const ids = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${api.url}/v2/customers?source=INSTORE`, {
          method: 'POST',
          headers: { authorization: api.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ profiles: [{ firstName: 'Bench', identifiers: [{ type: 'mobile', value: `9199${String(i).padStart(8, '0')}` }] }] }),
        });
        ids.push((await res.json()).createdId);
      }
    }),
  );
  return ids;
}

/** A receiver that answers 200 at once and counts the events it got (no signature check: speed is the point). */
function countingReceiver() {
  const counts = { events: 0, batches: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        counts.events += JSON.parse(Buffer.concat(chunks).toString('utf8')).events.length;
        counts.batches++;
      } catch {
        // not a webhook
      }
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, counts, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}

/** One ACTIVE subscription of the org to `url` for `eventType`. */
async function subscribeOrg(db, orgId, url, eventType, batchSize = 200) {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const cb = await db.query(`INSERT INTO callbacks (org_id, name, url, signing_secret) VALUES ($1, 'cb', $2, $3) RETURNING id`, [orgId, url, secret]);
  await db.query(
    `INSERT INTO event_subscriptions (org_id, name, callback_id, event_types, status, batch_size) VALUES ($1, 'sub', $2, $3, 'ACTIVE', $4)`,
    [orgId, cb.rows[0].id, [eventType], batchSize],
  );
}

/** `count` orgs, each with one ACTIVE subscription to `url` for `eventType`. Returns their ids. */
async function orgsWithSubscriptions(db, count, url, eventType) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const { rows } = await db.query(`INSERT INTO orgs (slug) VALUES ($1) RETURNING id`, [`bench-org-${i}-${randomBytes(3).toString('hex')}`]);
    await subscribeOrg(db, rows[0].id, url, eventType);
    ids.push(rows[0].id);
  }
  return ids;
}

async function startWorkers(count, env, firstPort) {
  const workers = [];
  for (let i = 0; i < count; i++) {
    const port = firstPort + i;
    const worker = startProcess(`worker-${i}`, WORKER_ARGS, { ...env, WORKER_PORT: String(port) });
    workers.push(worker);
    await waitHttp(`http://127.0.0.1:${port}/health`, worker);
  }
  return workers;
}

const stopAll = (children) => Promise.all(children.map((c) => stop(c)));

/**
 * Sessions of this database waiting on an advisory lock right now: on fan-out's slot locks (the
 * two-key class 7401222, or the one-key 7401222 of the former global lock, for a comparison), and on any other
 * (the per-subscription batch locks of delivery).
 */
async function advisoryWaiters(db) {
  const { rows } = await db.query(
    `SELECT count(*) FILTER (WHERE (objsubid = 2 AND classid = 7401222) OR (objsubid = 1 AND classid = 0 AND objid = 7401222))::int AS fan_out,
            count(*)::int AS any
     FROM pg_locks
     WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return { fanOut: rows[0].fan_out, other: rows[0].any - rows[0].fan_out };
}

module.exports = {
  API_ARGS,
  CLI,
  log,
  buildIfMissing,
  benchSetup,
  freshDatabase,
  createOrgWithKey,
  registerCustomers,
  flushRedis,
  countingReceiver,
  subscribeOrg,
  orgsWithSubscriptions,
  startWorkers,
  stopAll,
  advisoryWaiters,
};
