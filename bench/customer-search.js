#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:search`: Capillary's customer search (`GET /v2/customers/search`) in an org of
 * 1,000,000 customers (BENCH_SEARCH_CUSTOMERS), each with an INSTORE profile (first and last
 * name), a mobile and an e-mail: 1M profiles and 2M identifiers, seeded with set-based SQL, not
 * through the API. Then, per kind of prefix (first name, last name, mobile digits, e-mail) and
 * per prefix length, sequential searches through the API with prefixes drawn from the data:
 * p50/p99 latency, and how many of them hit the match cap. Also prints the plan of one search,
 * and fails unless every branch is an index range on a prefix index.
 *
 * Own database (optline_bench_search, dropped at the start); Redis is only connected to, never
 * written (BENCH_SEARCH_REDIS_URL, default DB 6). Not part of `npm test`; see bench/README.md.
 */
const path = require('node:path');
const { Client } = require('pg');
const { ROOT, startProcess, waitHttp, stop, run } = require('./lib/processes');
const { percentile, round } = require('./lib/stats');

const PG_BASE = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE = 'optline_bench_search';
const DATABASE_URL = `${PG_BASE}/${DATABASE}`;
const REDIS_URL = process.env.BENCH_SEARCH_REDIS_URL ?? 'redis://127.0.0.1:6379/6';
const CUSTOMERS = Number(process.env.BENCH_SEARCH_CUSTOMERS ?? 1_000_000);
const SEARCHES = Number(process.env.BENCH_SEARCH_REQUESTS ?? 200);
const PORT = 3410;
const CLI = 'dist/apps/api/apps/api/src/cli.js';
const env = { DATABASE_URL, REDIS_URL, PORT: String(PORT), LOG_LEVEL: 'warn' };

const FIRST_NAMES = ['Tom', 'Becky', 'Huck', 'Sid', 'Polly', 'Joe', 'Mary', 'Amy', 'Ben', 'Alfred', 'Susan', 'Jim', 'Muff', 'Walter', 'Gracie',
  'Sereny', 'Jeff', 'Willie', 'Lucy', 'Hannah', 'Rajesh', 'Priya', 'Anil', 'Sunita', 'Vikram', 'Deepa', 'Olga', 'Ivan', 'Dmitri', 'Natasha'];
const LAST_NAMES = ['Sawyer', 'Thatcher', 'Finn', 'Harper', 'Rogers', 'Temple', 'Potter', 'Lawrence', 'Dobbins', 'Douglas', 'Sharma', 'Iyer',
  'Nair', 'Reddy', 'Gupta', 'Ivanov', 'Petrov', 'Smirnova', 'Kuznetsov', 'Popova'];

const log = (message) => process.stdout.write(`[search ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function freshDatabase() {
  const admin = new Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
  run(process.execPath, [CLI, 'migrate'], env);
}

/** Customers, profiles and identifiers for one org in three INSERT ... SELECT statements. */
async function seed(db, orgId) {
  await db.query(
    'INSERT INTO customers (org_id, loyalty_type) SELECT $1, \'loyalty\' FROM generate_series(1, $2)',
    [orgId, CUSTOMERS],
  );
  // Names cycle through the lists with coprime strides, so every first/last pair occurs.
  await db.query(
    `INSERT INTO customer_profiles (org_id, customer_id, source, first_name, last_name)
     SELECT $1, c.id, 'INSTORE', ($2::text[])[1 + c.id % cardinality($2::text[])], ($3::text[])[1 + (c.id / 7) % cardinality($3::text[])]
       FROM customers c WHERE c.org_id = $1`,
    [orgId, FIRST_NAMES, LAST_NAMES],
  );
  // A mobile (+91 and 10 digits, scattered by a multiplicative hash) and an e-mail per customer.
  await db.query(
    `INSERT INTO customer_identifiers (org_id, customer_id, profile_id, source, account_id, type, value)
     SELECT p.org_id, p.customer_id, p.id, 'INSTORE', '', t.type,
            CASE t.type WHEN 'mobile' THEN '+919' || lpad(((p.customer_id * 7919) % 1000000000)::text, 9, '0')
                        ELSE lower(p.first_name) || '.' || lower(p.last_name) || '.' || p.customer_id || '@example.com' END
       FROM customer_profiles p CROSS JOIN (VALUES ('mobile'), ('email')) AS t(type)
      WHERE p.org_id = $1`,
    [orgId],
  );
  await db.query('ANALYZE customers; ANALYZE customer_profiles; ANALYZE customer_identifiers');
}

/** Prefixes of one kind and length, drawn from the stored data (random rows). */
async function prefixesFor(db, orgId, kind, length, count) {
  const column = {
    firstName: "(SELECT first_name FROM customer_profiles WHERE org_id = $1 AND id = p.id)",
    lastName: "(SELECT last_name FROM customer_profiles WHERE org_id = $1 AND id = p.id)",
    mobile: "(SELECT substr(value, 2) FROM customer_identifiers WHERE org_id = $1 AND profile_id = p.id AND type = 'mobile')",
    email: "(SELECT value FROM customer_identifiers WHERE org_id = $1 AND profile_id = p.id AND type = 'email')",
  }[kind];
  const rows = await db.query(
    `SELECT substr(${column}, 1, $2) AS prefix FROM customer_profiles p TABLESAMPLE SYSTEM_ROWS($3) WHERE p.org_id = $1`,
    [orgId, length, count],
  ).catch(async () =>
    db.query(`SELECT substr(${column}, 1, $2) AS prefix FROM customer_profiles p WHERE p.org_id = $1 ORDER BY random() LIMIT $3`, [orgId, length, count]),
  );
  return rows.rows.map((r) => r.prefix);
}

/**
 * The plan of a selective search as the service runs it; every branch must be an index range.
 * (A prefix that matches a large part of the org may rightly be a sequential scan that stops at
 * the cap: the planner's choice, visible in the latencies below.)
 */
async function checkPlan(db, orgId, q) {
  const { searchStatement } = require(path.join(ROOT, 'dist/apps/api/libs/domain/src/customers/customer-search.js'));
  const { text, values } = searchStatement(orgId, { text: q, limit: 10, offset: 0 });
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
  const plan = rows[0]['QUERY PLAN'][0];
  const ranges = [];
  const walk = (node) => {
    if (node['Index Name'] && /~>=~/.test(node['Index Cond'] ?? '')) ranges.push(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== 'customers') throw new Error(`Seq Scan on ${node['Relation Name']}`);
    (node.Plans ?? []).forEach(walk);
  };
  walk(plan.Plan);
  const expected = ['customer_identifiers_value_prefix', 'customer_profiles_first_name_prefix', 'customer_profiles_last_name_prefix'];
  for (const index of expected) if (!ranges.includes(index)) throw new Error(`the plan does not range-scan ${index}: ${JSON.stringify(plan)}`);
  return { indexes: [...new Set(ranges)], executionMs: round(plan['Execution Time'], 1) };
}

async function main() {
  const started = Date.now();
  if (!require('node:fs').existsSync(path.join(ROOT, CLI))) {
    log('building');
    run('npm', ['run', 'build'], {});
  }
  log(`fresh database ${DATABASE}`);
  await freshDatabase();
  const key = /key:\s+(\S+)/.exec(run(process.execPath, [CLI, 'org:create', 'search-bench'], env))[1];
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const [{ id: orgId }] = (await db.query("SELECT id FROM orgs WHERE slug = 'search-bench'")).rows;
  await db.query('CREATE EXTENSION IF NOT EXISTS tsm_system_rows').catch(() => undefined);
  log(`seeding ${CUSTOMERS.toLocaleString('en')} customers (set-based SQL)`);
  const seedStart = Date.now();
  await seed(db, orgId);
  const seedSeconds = round((Date.now() - seedStart) / 1000, 1);
  log(`seeded in ${seedSeconds} s`);

  const plan = await checkPlan(db, orgId, '9190012');
  log(`plan: index ranges on ${plan.indexes.join(', ')}; q=9190012 executed in ${plan.executionMs} ms`);

  const api = startProcess('api', ['dist/apps/api/apps/api/src/main.js'], env);
  const rowsOut = [];
  try {
    await waitHttp(`http://127.0.0.1:${PORT}/health`, api);
    const authorization = `Bearer ${key}`;
    const search = async (q) => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${PORT}/v2/customers/search?limit=10&offset=0&q=${encodeURIComponent(q)}`, { headers: { authorization } });
      const body = await res.json();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(body)}`);
      return { ms, total: body.pagination.total, truncated: body.warnings.length > 0 };
    };
    // Warm-up: the first requests pay for connections and JIT, not for the search.
    for (const q of ['tom', '9190', 'becky.t', 'saw']) await search(q);
    const cases = [
      ['firstName', [1, 2, 3]],
      ['lastName', [2, 4]],
      ['mobile', [3, 5, 8, 12]],
      ['email', [3, 8, 16]],
    ];
    for (const [kind, lengths] of cases) {
      for (const length of lengths) {
        const prefixes = await prefixesFor(db, orgId, kind, length, SEARCHES);
        const results = [];
        for (const q of prefixes) results.push(await search(q));
        const ms = results.map((r) => r.ms);
        const row = {
          kind,
          length,
          searches: results.length,
          p50: round(percentile(ms, 50), 1),
          p99: round(percentile(ms, 99), 1),
          medianTotal: percentile(results.map((r) => r.total), 50),
          capped: `${Math.round((100 * results.filter((r) => r.truncated).length) / results.length)}%`,
        };
        rowsOut.push(row);
        log(JSON.stringify(row));
      }
    }
  } finally {
    await stop(api);
    await db.end();
  }
  console.log(`\n${CUSTOMERS.toLocaleString('en')} customers (a profile with first and last name, a mobile and an e-mail each); ${SEARCHES} sequential searches per row, limit=10`);
  console.log('| prefix | length | p50 ms | p99 ms | median total | capped |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rowsOut) console.log(`| ${r.kind} | ${r.length} | ${r.p50} | ${r.p99} | ${r.medianTotal.toLocaleString('en')} | ${r.capped} |`);
  console.log(`\nseed ${seedSeconds} s; whole run ${round((Date.now() - started) / 1000, 0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
