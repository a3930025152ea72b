'use strict';
/**
 * The write-path baseline: a plain node:http server with `pg` and `bullmq` doing the same work
 * per request as optline's POST /v2/customers/{id}/subscriptions (read the current state, upsert
 * the state, a ledger row, an outbox row, one queue add) and nothing else: no framework, no
 * validation library, no auth lookup, no logging. It writes into optline's own tables.
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');
const { Queue } = require('bullmq');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
const redis = new URL(process.env.REDIS_URL);
const queue = new Queue('baseline-events', {
  connection: { host: redis.hostname, port: Number(redis.port || 6379), db: Number(redis.pathname.slice(1) || 0) },
  prefix: 'optline-baseline',
});
const ORG_ID = process.env.BASELINE_ORG_ID;
const ROUTE = /^\/v2\/customers\/(\d+)\/subscriptions$/;

async function applyChange(customerId, item) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const current = await client.query(
      `SELECT status, occurred_at FROM consents WHERE org_id = $1 AND customer_id = $2 AND channel = $3 AND topic = $4
         AND account_id = '' AND address = '' FOR UPDATE`,
      [ORG_ID, customerId, item.channel, item.priority],
    );
    const previous = current.rows[0]?.status ?? 'OPTIN';
    // The same time rule as optline's: a change older than the recorded one changes nothing.
    const occurredAt = new Date();
    if (previous === item.type || (current.rows[0] && current.rows[0].occurred_at > occurredAt)) {
      await client.query('COMMIT');
      return null;
    }
    const eventId = randomUUID();
    await client.query(
      `INSERT INTO events (id, org_id, type, customer_id, channel, payload, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [eventId, ORG_ID, `${item.channel}_${item.type === 'OPTIN' ? 'OPT_IN' : 'OPT_OUT'}`, customerId, item.channel, JSON.stringify({ status: item.type })],
    );
    const ledger = await client.query(
      `INSERT INTO consent_ledger (org_id, customer_id, channel, topic, previous_status, status, dialect, event_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'baseline', $7, $8) RETURNING id`,
      [ORG_ID, customerId, item.channel, item.priority, previous, item.type, eventId, occurredAt],
    );
    await client.query(
      `INSERT INTO consents (org_id, customer_id, channel, topic, status, last_ledger_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id, customer_id, channel, topic, account_id, address)
       DO UPDATE SET status = EXCLUDED.status, last_ledger_id = EXCLUDED.last_ledger_id, occurred_at = EXCLUDED.occurred_at, updated_at = now()`,
      [ORG_ID, customerId, item.channel, item.priority, item.type, ledger.rows[0].id, occurredAt],
    );
    await client.query('COMMIT');
    return eventId;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200).end('ok');
    return;
  }
  const match = ROUTE.exec(req.url);
  if (req.method !== 'POST' || !match) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const item = body.subscriptions[0];
      const eventId = await applyChange(Number(match[1]), item);
      if (eventId) await queue.add('fan-out', { eventIds: [eventId] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ subscriptions: eventId ? [item] : [], warnings: [] }));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error.message) }));
    }
  });
});

server.listen(Number(process.env.PORT ?? 3500), '127.0.0.1');
server.on('listening', () => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', async () => {
  server.close();
  await queue.close();
  await pool.end();
  process.exit(0);
});
