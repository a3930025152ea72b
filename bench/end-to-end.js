'use strict';
/**
 * Figure 2: events in through the ingest API, out as signed webhooks to the receiver process.
 * Checks that every event arrived exactly once per subscription, in the order optline recorded
 * the deliveries (the order guarantee), and measures rate and latency from occurredAt to receipt.
 */
const { percentile, round } = require('./lib/stats');
const { sleep } = require('./lib/processes');

const INGEST_BATCH = 1000;
const INGEST_CONCURRENCY = 4;

const CHANNEL_OF = (type) => type.split('_')[0];

async function call(api, method, path, body) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: api.authorization, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A callback to the receiver and one subscription per event type, via the Responsys API. */
async function subscribe(api, receiverUrl, name, eventTypes) {
  const callback = await call(api, 'POST', '/rest/api/v1.3/notifications/callbacks', {
    callBackName: `${name}-cb`,
    callBackUrl: `${receiverUrl}/hook`,
  });
  await call(api, 'POST', '/rest/api/v1.3/notifications/subscriptions', {
    subscriptionName: name,
    callBackName: `${name}-cb`,
    eventTypes,
    batchSize: 200,
  });
  await fetch(`${receiverUrl}/secrets`, { method: 'PUT', body: JSON.stringify({ subscriptionName: name, secret: callback.signingSecret }) });
  return name;
}

function eventsFor(types, customerIds, count, offset = 0) {
  return Array.from({ length: count }, (_, i) => {
    const type = types[(offset + i) % types.length];
    return { type, channel: CHANNEL_OF(type), customerId: customerIds[(offset + i) % customerIds.length], campaignName: 'bench' };
  });
}

async function ingestAll(api, events) {
  const chunks = [];
  for (let i = 0; i < events.length; i += INGEST_BATCH) chunks.push(events.slice(i, i + INGEST_BATCH));
  let next = 0;
  await Promise.all(
    Array.from({ length: INGEST_CONCURRENCY }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        await call(api, 'POST', '/v1/events', { events: chunk });
      }
    }),
  );
}

async function stats(receiverUrl, subscription, extra = '') {
  const res = await fetch(`${receiverUrl}/stats?subscription=${encodeURIComponent(subscription)}${extra}`);
  return res.json();
}

async function waitDelivered(receiverUrl, expected, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const all = await Promise.all(Object.keys(expected).map((s) => stats(receiverUrl, s)));
    if (all.every((s, i) => s.received >= Object.values(expected)[i])) return;
    if (Date.now() > until) throw new Error(`timed out: received ${JSON.stringify(all.map((s) => s.received))} of ${JSON.stringify(expected)}`);
    await sleep(100);
  }
}

/** Exactly once, and in the order of the deliveries optline recorded for the subscription. */
async function checkExactlyOnceInOrder(db, receiverUrl, subscriptionName, expectedCount) {
  const s = await stats(receiverUrl, subscriptionName, '&ids=1');
  const { rows } = await db.query(
    `SELECT d.event_id FROM deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id
     WHERE s.name = $1 AND NOT d.replay ORDER BY d.id`,
    [subscriptionName],
  );
  const recorded = rows.map((r) => r.event_id);
  const inOrder = recorded.length === s.ids.length && recorded.every((id, i) => id === s.ids[i]);
  return { exactlyOnce: s.duplicates === 0 && s.invalid === 0 && s.received === expectedCount, inOrder };
}

async function latencies(receiverUrl, subscriptions) {
  const all = [];
  for (const name of subscriptions) all.push(...(await stats(receiverUrl, name, '&latencies=1')).latencies);
  return { p50: round(percentile(all, 50)), p99: round(percentile(all, 99)) };
}

/** 100,000 events to N subscriptions (one event type each, so each event goes to one of them). */
async function benchThroughput({ api, receiverUrl, db, customerIds, label, types, total, log }) {
  const names = [];
  for (const type of types) names.push(await subscribe(api, receiverUrl, `${label}-${type.toLowerCase()}`, [type]));
  // Warm-up: a small batch through the whole path, not counted.
  const warm = eventsFor(types, customerIds, 2000);
  await ingestAll(api, warm);
  const warmExpected = Object.fromEntries(names.map((n) => [n, warm.length / names.length]));
  await waitDelivered(receiverUrl, warmExpected, 60000);

  const events = eventsFor(types, customerIds, total);
  const before = await Promise.all(names.map((n) => stats(receiverUrl, n)));
  const started = Date.now();
  await ingestAll(api, events);
  const ingestSeconds = (Date.now() - started) / 1000;
  const expected = Object.fromEntries(names.map((n, i) => [n, before[i].received + total / names.length]));
  await waitDelivered(receiverUrl, expected, 600000);
  const seconds = (Date.now() - started) / 1000;
  const checks = [];
  // One at a time: they share one Postgres connection.
  for (const n of names) checks.push(await checkExactlyOnceInOrder(db, receiverUrl, n, expected[n]));
  const result = {
    subscriptions: names.length,
    events: total,
    ingestPerSecond: Math.round(total / ingestSeconds),
    deliveredPerSecond: Math.round(total / seconds),
    ...(await latencies(receiverUrl, names)),
    exactlyOnce: checks.every((c) => c.exactlyOnce),
    inOrder: checks.every((c) => c.inOrder),
  };
  log(`end to end ${label}: ${result.deliveredPerSecond} events/s delivered, p99 ${result.p99} ms`);
  return result;
}

/** A steady 1,000 events per second for `seconds`: latency from occurredAt to receipt. */
async function benchSteadyRate({ api, receiverUrl, customerIds, type, seconds, log }) {
  const name = await subscribe(api, receiverUrl, `steady-${type.toLowerCase()}`, [type]);
  const tickMs = 50;
  const perTick = 50; // 1,000 per second
  const ticks = Math.round((seconds * 1000) / tickMs);
  const started = Date.now();
  const inflight = [];
  for (let t = 0; t < ticks; t++) {
    inflight.push(call(api, 'POST', '/v1/events', { events: eventsFor([type], customerIds, perTick, t * perTick) }));
    const wait = started + (t + 1) * tickMs - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(inflight);
  await waitDelivered(receiverUrl, { [name]: ticks * perTick }, 120000);
  const result = { rate: 1000, seconds, ...(await latencies(receiverUrl, [name])) };
  log(`steady 1,000/s: p50 ${result.p50} ms, p99 ${result.p99} ms`);
  return result;
}

module.exports = { benchThroughput, benchSteadyRate };
