'use strict';
/**
 * The benchmark's webhook consumer, in its own process: verifies every request with the
 * `standardwebhooks` package, records each event id per subscription in order of receipt, and the
 * latency from the event's occurredAt to its receipt. GET /stats?subscription=… reports.
 */
const http = require('node:http');
const { Webhook } = require('standardwebhooks');

const secrets = new Map(); // subscriptionName -> Webhook
const streams = new Map(); // subscriptionName -> { ids: [], latencies: [], firstAt, lastAt, batches, invalid }

function stream(name) {
  if (!streams.has(name)) streams.set(name, { ids: [], seen: new Set(), duplicates: 0, latencies: [], firstAt: 0, lastAt: 0, batches: 0, invalid: 0 });
  return streams.get(name);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'PUT' && url.pathname === '/secrets') {
      const { subscriptionName, secret } = JSON.parse(raw);
      secrets.set(subscriptionName, new Webhook(secret));
      return res.writeHead(204).end();
    }
    if (req.method === 'GET' && url.pathname === '/stats') {
      const s = stream(url.searchParams.get('subscription'));
      const body = { received: s.ids.length, duplicates: s.duplicates, invalid: s.invalid, batches: s.batches, firstAt: s.firstAt, lastAt: s.lastAt };
      if (url.searchParams.get('ids') === '1') body.ids = s.ids;
      if (url.searchParams.get('latencies') === '1') body.latencies = s.latencies;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(body));
    }
    const now = Date.now();
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return res.writeHead(400).end();
    }
    const s = stream(body.subscriptionName);
    const verifier = secrets.get(body.subscriptionName);
    try {
      verifier.verify(raw, req.headers);
    } catch {
      s.invalid++;
      return res.writeHead(401).end();
    }
    s.batches++;
    if (!s.firstAt) s.firstAt = now;
    s.lastAt = now;
    for (const event of body.events) {
      if (s.seen.has(event.eventId)) s.duplicates++;
      s.seen.add(event.eventId);
      s.ids.push(event.eventId);
      s.latencies.push(now - Date.parse(event.occurredAt));
    }
    res.writeHead(200).end();
  });
});

server.keepAliveTimeout = 60000;
server.listen(Number(process.env.RECEIVER_PORT ?? 3600), '127.0.0.1', () => process.stdout.write('receiver ready\n'));
