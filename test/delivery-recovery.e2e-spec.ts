import { createSubscription, emitEvents, TestApi, TestOrg, testRedis, WebhookReceiver, WorkerProcess } from '@app/testing';

/** Worker processes are real OS processes here, so they can be killed and run side by side. */
const WORKER_ENV = {
  WEBHOOK_FLUSH_MS: '100',
  WEBHOOK_RETRY_SCHEDULE: '1,1,1',
  WEBHOOK_TIMEOUT_MS: '1000',
  SWEEP_INTERVAL_MS: '500',
  LOG_LEVEL: 'error',
};

describe('delivery recovery: killed workers, a flushed Redis, two workers', () => {
  let api: TestApi;
  let org: TestOrg;
  let receiver: WebhookReceiver;
  const workers: WorkerProcess[] = [];

  const subscribe = async (batchSize: number) => {
    const sub = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_BOUNCED'], batchSize });
    receiver.secrets.push(sub.secret);
    return sub;
  };
  const startWorker = async () => {
    const worker = await WorkerProcess.start(WORKER_ENV);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('recovery');
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await receiver.stop();
  });

  it('sends a batch again with the same webhook-id after its worker is SIGKILLed mid-request', async () => {
    const first = await startWorker();
    await subscribe(5);
    receiver.reply = (_w, i) => (i === 0 ? { status: 200, delayMs: 5000 } : { status: 200 });
    const ids = await emitEvents(api, org, 5);
    await receiver.waitFor(() => receiver.received.length === 1);
    await first.kill('SIGKILL');
    await startWorker();
    await receiver.waitFor(() => receiver.received.length === 2, 20000);
    const [killed, resent] = receiver.received;
    expect(resent.headers['webhook-id']).toBe(killed.headers['webhook-id']);
    expect(resent.verified).toBe(true);
    expect(resent.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(ids);
  });

  it('lets the batch in flight finish on SIGTERM, starts no other, and loses nothing', async () => {
    const worker = await startWorker();
    const sub = await subscribe(1);
    receiver.reply = () => ({ status: 200, delayMs: 800 });
    const ids = await emitEvents(api, org, 4);
    await receiver.waitFor(() => receiver.received.length === 1);
    const code = await worker.kill('SIGTERM');
    expect(code).toBe(0);
    const batches = await api.dataSource.query('SELECT state FROM delivery_batches WHERE subscription_id = $1', [sub.id]);
    expect(batches).toEqual([{ state: 'DELIVERED' }]);
    expect(receiver.received).toHaveLength(1);
    // No attempt was made, and failed, on the way out.
    const errors = await api.dataSource.query(
      'SELECT a.error FROM delivery_attempts a JOIN delivery_batches b ON b.id = a.batch_id WHERE b.subscription_id = $1 AND a.error IS NOT NULL',
      [sub.id],
    );
    expect(errors).toEqual([]);
    await startWorker();
    await receiver.waitFor(() => receiver.eventIds().length === 4, 15000);
    expect(receiver.eventIds()).toEqual(ids);
  });

  it('delivers everything exactly once when Redis is flushed mid-stream', async () => {
    await startWorker();
    await subscribe(20);
    const redis = testRedis();
    const ids: string[] = [];
    try {
      for (let round = 0; round < 10; round++) {
        ids.push(...(await emitEvents(api, org, 30)));
        // FLUSHDB, never FLUSHALL: the Redis server is shared.
        if (round === 3 || round === 7) await redis.flushdb();
      }
    } finally {
      redis.disconnect();
    }
    await receiver.waitFor(() => receiver.eventIds().length >= ids.length, 30000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.eventIds()).toEqual(ids);
    expect(receiver.received.every((w) => w.verified)).toBe(true);
  });

  it('runs two workers at once without sending a batch twice or breaking order', async () => {
    const pair = await Promise.all([startWorker(), startWorker()]);
    const subs = await Promise.all([subscribe(25), subscribe(25), subscribe(25)]);
    receiver.reply = () => ({ status: 200, delayMs: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(...(await emitEvents(api, org, 100)));
    await receiver.waitFor(() => receiver.eventIds().length >= ids.length * subs.length, 60000);
    await new Promise((r) => setTimeout(r, 1000));
    for (const sub of subs) {
      expect(receiver.eventIds((w) => w.body.subscriptionName === sub.name)).toEqual(ids);
    }
    const batchIds = receiver.received.map((w) => w.headers['webhook-id']);
    expect(new Set(batchIds).size).toBe(batchIds.length);
    // Each worker's /metrics counts what it delivered; together, every event once per subscription.
    const delivered = await Promise.all(
      pair.map(async (w) => {
        const text = await (await fetch(`http://127.0.0.1:${w.port}/metrics`)).text();
        return Number(/^optline_events_delivered_total (\d+)/m.exec(text)?.[1] ?? 0);
      }),
    );
    expect(delivered.reduce((a, b) => a + b, 0)).toBe(ids.length * subs.length);
  });
});
