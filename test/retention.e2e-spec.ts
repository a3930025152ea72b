import { RetentionService } from '@app/domain';
import { createSubscription, emitEvents, TestApi, TestOrg, WebhookReceiver, WorkerProcess } from '@app/testing';
import { randomUUID } from 'node:crypto';

const DAY = `interval '1 day'`;
const POLICY = { retentionDays: 30, idempotencyTtlHours: 24, chunkSize: 2 };
const LOCK_SQL = `hashtextextended('optline:retention', 0)`;

describe('retention: what is past its time is deleted, in chunks, by one worker at a time', () => {
  let api: TestApi;
  let org: TestOrg;
  let receiver: WebhookReceiver;
  let retention: RetentionService;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('retention');
    retention = new RetentionService(api.dataSource);
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  const count = async (sql: string, params: unknown[]) => (await api.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;
  const waitFor = async (check: () => Promise<boolean>, timeoutMs = 15000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('a worker deletes old finished batches with their deliveries and attempts, expired deliveries and unreferenced events, and keeps the rest', async () => {
    const worker = await WorkerProcess.start({ WEBHOOK_FLUSH_MS: '50', SWEEP_INTERVAL_MS: '300', RETENTION_INTERVAL_MS: '300', LOG_LEVEL: 'error' });
    try {
      const sent = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_BOUNCED'], batchSize: 2 });
      receiver.secrets.push(sent.secret);
      const held = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_FAILED'], status: 'PAUSED' });
      const delivered = await emitEvents(api, org, 6);
      await receiver.waitFor(() => receiver.eventIds().length === 6);
      const heldEvents = await emitEvents(api, org, 2, { type: 'EMAIL_FAILED' });
      const unmatched = await emitEvents(api, org, 1, { type: 'SMS_BOUNCED' });
      await waitFor(async () => (await count(`deliveries WHERE subscription_id = $1`, [held.id])) === 2);
      await waitFor(async () => (await count(`events WHERE org_id = $1 AND fanned_out_at IS NULL`, [org.orgId])) === 0);
      await waitFor(async () => (await count(`delivery_batches WHERE subscription_id = $1 AND state = 'DELIVERED'`, [sent.id])) === 3);

      // Three batches: one failed, one delivered (both long ago), one created long ago but
      // delivered again just now (an operator's redelivery): that one is kept, with its events.
      const batches: Array<{ id: string }> = await api.dataSource.query(
        `SELECT id FROM delivery_batches WHERE subscription_id = $1 ORDER BY created_at`,
        [sent.id],
      );
      const [failed, old, redelivered] = batches.map((b) => b.id);
      await api.dataSource.query(`UPDATE delivery_batches SET state = 'FAILED', delivered_at = NULL, failed_at = now() WHERE id = $1`, [failed]);
      await api.dataSource.query(
        `UPDATE delivery_batches SET created_at = now() - 31 * ${DAY},
           delivered_at = CASE WHEN id = $2 THEN now() ELSE delivered_at - 31 * ${DAY} END,
           failed_at = failed_at - 31 * ${DAY}
         WHERE subscription_id = $1`,
        [sent.id, redelivered],
      );
      // One held delivery expired long ago; the other is still held, and keeps its event.
      await api.dataSource.query(
        `UPDATE deliveries SET state = 'EXPIRED' WHERE subscription_id = $1 AND event_id = $2`,
        [held.id, heldEvents[0]],
      );
      // Deliveries are old too, but the one still held is younger than WEBHOOK_HOLD_DAYS (else the
      // sweeper expires it): it keeps its event, which is as old as the rest.
      await api.dataSource.query(
        `UPDATE deliveries SET created_at = now() - CASE WHEN state = 'PENDING' THEN 10 ELSE 31 END * ${DAY} WHERE org_id = $1`,
        [org.orgId],
      );
      await api.dataSource.query(`UPDATE events SET created_at = now() - 31 * ${DAY} WHERE org_id = $1`, [org.orgId]);
      const attemptsOf = (batch: string) => count(`delivery_attempts WHERE batch_id = $1`, [batch]);
      expect(await attemptsOf(old)).toBe(1);

      await waitFor(async () => (await count(`delivery_batches WHERE subscription_id = $1`, [sent.id])) === 1);
      await waitFor(async () => (await count(`events WHERE org_id = $1`, [org.orgId])) === 3);
      expect(await count(`delivery_batches WHERE id = $1`, [redelivered])).toBe(1);
      expect(await attemptsOf(old)).toBe(0);
      expect(await attemptsOf(failed)).toBe(0);
      expect(await attemptsOf(redelivered)).toBe(1);
      const kept: Array<{ id: string }> = await api.dataSource.query(`SELECT id FROM events WHERE org_id = $1 ORDER BY seq`, [org.orgId]);
      expect(kept.map((e) => e.id)).toEqual([...delivered.slice(4), heldEvents[1]]);
      expect(await count(`deliveries WHERE org_id = $1`, [org.orgId])).toBe(3);
      expect(await count(`deliveries WHERE subscription_id = $1 AND state = 'PENDING'`, [held.id])).toBe(1);
      expect(unmatched).toHaveLength(1);
    } finally {
      await worker.kill('SIGTERM');
    }
  });

  it('moves past a run of old events that are still referenced, chunk by chunk', async () => {
    const held = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_FAILED'], status: 'PAUSED' });
    const ids = Array.from({ length: 7 }, () => randomUUID());
    // One transaction, so they share one created_at: the cursor must tell them apart by seq.
    await api.dataSource.query(
      `INSERT INTO events (id, org_id, type, payload, occurred_at, created_at, fanned_out_at)
       SELECT id, $2, 'EMAIL_FAILED', '{}', now(), now() - 40 * ${DAY}, now() FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n) ORDER BY n`,
      [ids, org.orgId],
    );
    // The oldest five are held (more than a chunk), the last two are free to go.
    await api.dataSource.query(
      `INSERT INTO deliveries (org_id, subscription_id, event_id) SELECT $2, $3, unnest($1::uuid[])`,
      [ids.slice(0, 5), org.orgId, held.id],
    );
    const pruned = await retention.prune(POLICY);
    expect(pruned).toMatchObject({ events: 2 });
    const left: Array<{ id: string }> = await api.dataSource.query(`SELECT id FROM events WHERE id = ANY($1::uuid[]) ORDER BY seq`, [ids]);
    expect(left.map((e) => e.id)).toEqual(ids.slice(0, 5));
  });

  it('cuts a chunk of batches by their deliveries, and goes on to the batches it left', async () => {
    const sub = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_OPTOUT'], status: 'PAUSED' });
    const ids = Array.from({ length: 4 }, () => randomUUID());
    await api.dataSource.query(
      `INSERT INTO events (id, org_id, type, payload, occurred_at, created_at, fanned_out_at)
       SELECT id, $2, 'EMAIL_OPTOUT', '{}', now(), now() - 40 * ${DAY}, now() FROM unnest($1::uuid[]) AS id`,
      [ids, org.orgId],
    );
    // Two batches of two deliveries each: with 3 rows a chunk, the first chunk takes one batch.
    const batches = [randomUUID(), randomUUID()];
    await api.dataSource.query(
      `INSERT INTO delivery_batches (id, org_id, subscription_id, state, event_count, created_at, delivered_at)
       SELECT id, $2, $3, 'DELIVERED', 2, now() - 40 * ${DAY}, now() - 40 * ${DAY} FROM unnest($1::uuid[]) AS id`,
      [batches, org.orgId, sub.id],
    );
    await api.dataSource.query(
      `INSERT INTO deliveries (org_id, subscription_id, event_id, state, batch_id)
       SELECT $2, $3, e, 'BATCHED', CASE WHEN n <= 2 THEN $4::uuid ELSE $5::uuid END FROM unnest($1::uuid[]) WITH ORDINALITY AS x(e, n)`,
      [ids, org.orgId, sub.id, ...batches],
    );
    expect(await retention.prune({ ...POLICY, chunkSize: 3 })).toMatchObject({ batches: 2, deliveries: 4, events: 4 });
    expect(await count(`delivery_batches WHERE subscription_id = $1`, [sub.id])).toBe(0);
  });

  it('deletes idempotency keys past IDEMPOTENCY_TTL_HOURS in chunks, and keeps younger ones', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `old-${i}-${randomUUID()}`);
    await api.dataSource.query(
      `INSERT INTO ingest_requests (org_id, idempotency_key, request_hash, created_at)
       SELECT $1::uuid, key, 'h', now() - interval '25 hours' FROM unnest($2::text[]) AS key
       UNION ALL SELECT $1::uuid, 'young-' || $3, 'h', now() - interval '23 hours'`,
      [org.orgId, keys, randomUUID()],
    );
    const pruned = await retention.prune(POLICY);
    expect(pruned).toMatchObject({ ingestRequests: 7 });
    expect(await count(`ingest_requests WHERE org_id = $1 AND idempotency_key LIKE 'old-%'`, [org.orgId])).toBe(0);
    expect(await count(`ingest_requests WHERE org_id = $1 AND idempotency_key LIKE 'young-%'`, [org.orgId])).toBe(1);
  });

  it('skips a pass, without waiting, while another worker holds the retention lock', async () => {
    await api.dataSource.query(
      `INSERT INTO ingest_requests (org_id, idempotency_key, request_hash, created_at) VALUES ($1, $2, 'h', now() - interval '2 days')`,
      [org.orgId, `locked-${randomUUID()}`],
    );
    const other = api.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(${LOCK_SQL})`);
      const startedAt = Date.now();
      expect(await retention.prune(POLICY)).toBeNull();
      expect(Date.now() - startedAt).toBeLessThan(1000);
      expect(await count(`ingest_requests WHERE org_id = $1 AND idempotency_key LIKE 'locked-%'`, [org.orgId])).toBe(1);
    } finally {
      await other.query(`SELECT pg_advisory_unlock(${LOCK_SQL})`);
      await other.release();
    }
    expect(await retention.prune(POLICY)).toMatchObject({ ingestRequests: 1 });
  });

  it('answers 400 to a replay from further back than retention keeps', async () => {
    const sub = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_BOUNCED'] });
    const tooOld = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const res = await api.post(`/v1/subscriptions/${sub.name}/replay`, { since: tooOld }, org);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('RETENTION_DAYS');
    const inside = new Date(Date.now() - 29 * 86_400_000).toISOString();
    expect((await api.post(`/v1/subscriptions/${sub.name}/replay`, { since: inside }, org)).status).toBe(202);
  });
});
