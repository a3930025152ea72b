'use strict';
/**
 * The baseline: a plain node:http server with `pg` and `bullmq` doing the same work per request as
 * optline, and nothing else: no framework, no validation library, no auth lookup, no logging. It
 * reads and writes optline's own tables, in the baseline org.
 * - POST /v2/customers/{id}/subscriptions: read the current state, upsert the state, a ledger row,
 *   an outbox row, one queue add.
 * - GET /v1/customers/{id}/consent?channel=&topic=: every record of the channel and topic with the
 *   ledger entry that set each, in one round trip.
 * - POST /v1/consent/decisions: the same for up to 1,000 questions, in one statement over unnest.
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
const WRITE_ROUTE = /^\/v2\/customers\/(\d+)\/subscriptions$/;
const DECISION_ROUTE = /^\/v1\/customers\/(\d+)\/consent\?(.*)$/;
const BULK_ROUTE = '/v1/consent/decisions';

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

/**
 * Every record of each (customer, channel, topic) asked about, with the ledger entry that set it,
 * answered in question order in optline's answer shape: one statement whatever the number of
 * questions. The precedence is the simple one (any forbidding record decides), enough for the
 * bench's data, where each customer has one channel-wide record.
 */
async function decide(questions) {
  const { rows } = await pool.query(
    `SELECT k.n, c.channel, c.topic, c.account_id, c.address, c.address_type, c.status, c.occurred_at, c.updated_at,
            l.id AS l_id, l.previous_status, l.status AS l_status, l.dialect, l.source_name, l.api_key_id, l.actor, l.reason,
            l.campaign_id, l.communication_id, l.proof, l.ip, l.user_agent, l.request_id, l.event_id,
            l.occurred_at AS l_occurred_at, l.created_at AS l_created_at
       FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS k(customer_id, channel, topic, n)
       JOIN consents c ON c.org_id = $1 AND c.customer_id = k.customer_id AND c.channel = k.channel
                      AND c.topic = k.topic AND c.account_id = ''
       LEFT JOIN consent_ledger l ON l.org_id = $1 AND l.id = c.last_ledger_id`,
    [ORG_ID, questions.map((q) => q.customerId), questions.map((q) => q.channel), questions.map((q) => q.topic)],
  );
  const answers = questions.map((q) => ({ customerId: q.customerId, allowed: true, status: 'OPTIN', decidedBy: null, addresses: [] }));
  for (const row of rows) {
    const answer = answers[Number(row.n) - 1];
    if (answer.decidedBy && !answer.allowed) continue;
    answer.allowed = row.status === 'OPTIN';
    answer.status = row.status;
    answer.decidedBy = {
      level: row.address === '' ? 'channel' : 'address',
      channel: row.channel,
      topic: row.topic,
      accountId: row.account_id,
      address: row.address,
      addressType: row.address_type,
      status: row.status,
      occurredAt: row.occurred_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      ledgerEntry: row.l_id && {
        id: Number(row.l_id),
        previousStatus: row.previous_status,
        status: row.l_status,
        dialect: row.dialect,
        sourceName: row.source_name,
        apiKeyId: row.api_key_id,
        actor: row.actor,
        reason: row.reason,
        campaignId: row.campaign_id,
        communicationId: row.communication_id,
        proof: row.proof,
        ip: row.ip,
        userAgent: row.user_agent,
        requestId: row.request_id,
        eventId: row.event_id,
        occurredAt: (row.l_occurred_at ?? row.l_created_at).toISOString(),
        createdAt: row.l_created_at.toISOString(),
      },
    };
  }
  return answers;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req) {
  const write = WRITE_ROUTE.exec(req.url);
  if (req.method === 'POST' && write) {
    const item = JSON.parse(await readBody(req)).subscriptions[0];
    const eventId = await applyChange(Number(write[1]), item);
    if (eventId) await queue.add('fan-out', { eventIds: [eventId] });
    return { subscriptions: eventId ? [item] : [], warnings: [] };
  }
  const one = DECISION_ROUTE.exec(req.url);
  if (req.method === 'GET' && one) {
    const query = new URLSearchParams(one[2]);
    const [{ customerId, ...answer }] = await decide([{ customerId: Number(one[1]), channel: query.get('channel'), topic: query.get('topic') }]);
    return answer;
  }
  if (req.method === 'POST' && req.url === BULK_ROUTE) {
    return { decisions: await decide(JSON.parse(await readBody(req)).questions) };
  }
  return null;
}

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200).end('ok');
    return;
  }
  handle(req).then(
    (body) => {
      if (body === null) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    },
    (error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error.message) }));
    },
  );
});

server.listen(Number(process.env.PORT ?? 3500), '127.0.0.1');
server.on('listening', () => process.stdout.write('baseline ready\n'));
process.on('SIGTERM', async () => {
  server.close();
  await queue.close();
  await pool.end();
  process.exit(0);
});
