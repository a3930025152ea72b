import {
  createSubscription,
  emitEvents,
  setSubscriptionStatus,
  TestApi,
  TestOrg,
  useDeliveryTestBed,
  waitForStats,
  WebhookReceiver,
} from '@app/testing';

describe('webhook delivery (api + worker + a verifying receiver)', () => {
  const bed = useDeliveryTestBed('delivery');
  let api: TestApi;
  let org: TestOrg;
  let receiver: WebhookReceiver;
  beforeEach(() => ({ api, org, receiver } = bed));

  const subscribe = async (options: Partial<Parameters<typeof createSubscription>[2]> = {}) => {
    const sub = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'], ...options });
    receiver.secrets.push(sub.secret);
    return sub;
  };

  it('sends a full batch at once, signed, with the documented body and headers', async () => {
    const sub = await subscribe({ batchSize: 5, basicAuth: { user: 'hook', password: 's3cret' } });
    const ids = await emitEvents(api, org, 5);
    await receiver.waitFor(() => receiver.eventIds().length === 5);
    const [hook] = receiver.received;
    expect(hook.verified).toBe(true);
    expect(hook.headers['webhook-id']).toBe(hook.body.batchId);
    expect(hook.headers['user-agent']).toMatch(/^optline-webhooks\//);
    expect(hook.headers.authorization).toBe(`Basic ${Buffer.from('hook:s3cret').toString('base64')}`);
    expect(hook.body).toMatchObject({ subscriptionName: sub.name, callBackName: expect.any(String), replay: false });
    expect(hook.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(ids);
    expect(hook.body.events[0]).toMatchObject({
      eventType: 'EMAIL_BOUNCED',
      occurredAt: expect.any(String),
      campaignName: 'spring',
      channelType: 'EMAIL',
      recipient: 'tom@example.com',
    });
    await waitForStats(api, org, sub.name, { delivered: 5 });
    const [batch] = await api.dataSource.query('SELECT state, event_count FROM delivery_batches WHERE id = $1', [hook.body.batchId]);
    expect(batch).toEqual({ state: 'DELIVERED', event_count: 5 });
  });

  it('sends a partial batch once the oldest event has waited WEBHOOK_FLUSH_MS', async () => {
    await subscribe({ batchSize: 100 });
    const started = Date.now();
    await emitEvents(api, org, 3);
    await receiver.waitFor(() => receiver.eventIds().length === 3);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].receivedAt - started).toBeGreaterThanOrEqual(100);
  });

  it('keeps order across 1,000 events, one batch in flight at a time', async () => {
    await subscribe({ batchSize: 50 });
    let inFlight = 0;
    let maxInFlight = 0;
    receiver.reply = () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => inFlight--, 5);
      return { status: 200, delayMs: 5 };
    };
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(...(await emitEvents(api, org, 100)));
    await receiver.waitFor(() => receiver.eventIds().length >= 1000, 30000);
    expect(receiver.eventIds()).toEqual(ids);
    expect(receiver.received.every((w) => w.verified)).toBe(true);
    expect(maxInFlight).toBe(1);
  });

  it('applies campaign filters to the types they name only', async () => {
    await subscribe({ batchSize: 10, filters: [{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['keep'] }] }] });
    const failedKept = await emitEvents(api, org, 2, { type: 'EMAIL_FAILED', campaignName: 'keep' });
    await emitEvents(api, org, 2, { type: 'EMAIL_FAILED', campaignName: 'drop' });
    const bounced = await emitEvents(api, org, 2, { type: 'EMAIL_BOUNCED', campaignName: 'drop' });
    await emitEvents(api, org, 2, { type: 'SMS_FAILED' });
    await receiver.waitFor(() => receiver.eventIds().length >= 4);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.eventIds()).toEqual([...failedKept, ...bounced]);
  });

  it('delivers to a subscription the worker was never told about', async () => {
    // Written straight to the table, with no subscription-changed job: fan-out must still see it.
    const sub = await subscribe({ batchSize: 2 });
    await api.dataSource.query('UPDATE event_subscriptions SET event_types = $2 WHERE id = $1', [sub.id, ['EMAIL_CLICKED']]);
    const ids = await emitEvents(api, org, 2, { type: 'EMAIL_CLICKED' });
    await receiver.waitFor(() => receiver.eventIds().length === 2);
    expect(receiver.eventIds()).toEqual(ids);
  });

  it('holds events while PAUSED and releases them in order on resume', async () => {
    const sub = await subscribe({ batchSize: 4, status: 'PAUSED' });
    const held = await emitEvents(api, org, 10);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received).toHaveLength(0);
    const stats = await api.get(`/v1/subscriptions/${sub.name}/stats`, org);
    expect(stats.body).toMatchObject({ held: 10, pending: 0 });
    await setSubscriptionStatus(api, org, sub, 'ACTIVE');
    await receiver.waitFor(() => receiver.eventIds().length === 10);
    expect(receiver.eventIds()).toEqual(held);
    expect(receiver.received.map((w) => w.body.events.length)).toEqual([4, 4, 2]);
  });

  it('retries a failed batch with the same webhook-id and records every attempt', async () => {
    const sub = await subscribe({ batchSize: 3 });
    receiver.reply = (_w, i) => (i < 2 ? { status: 500, body: 'boom' } : { status: 200 });
    await emitEvents(api, org, 3);
    await receiver.waitFor(() => receiver.received.length === 3, 15000);
    const ids = new Set(receiver.received.map((w) => w.headers['webhook-id']));
    expect(ids.size).toBe(1);
    await waitForStats(api, org, sub.name, { delivered: 3 });
    const list = await api.get(`/v1/subscriptions/${sub.name}/deliveries`, org);
    const [batch] = list.body.batches;
    expect(batch.state).toBe('DELIVERED');
    expect(batch.attempts).toHaveLength(3);
    expect(batch.attempts.slice(0, 2)).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 500, responseBody: 'boom', nextAttemptAt: expect.any(String) }),
      expect.objectContaining({ attempt: 2, statusCode: 500 }),
    ]);
  });

  it('honours Retry-After on 429', async () => {
    await subscribe({ batchSize: 1 });
    receiver.reply = (_w, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 });
    await emitEvents(api, org, 1);
    await receiver.waitFor(() => receiver.received.length === 2, 15000);
    const gap = receiver.received[1].receivedAt - receiver.received[0].receivedAt;
    expect(gap).toBeGreaterThanOrEqual(1900);
  });

  it('fails over to the backup URL after 3 failed attempts on the primary', async () => {
    const backup = await new WebhookReceiver().start();
    try {
      const sub = await subscribe({ batchSize: 1, backupUrl: backup.url });
      backup.secrets.push(sub.secret);
      receiver.reply = () => ({ status: 502 });
      const [id] = await emitEvents(api, org, 1);
      await backup.waitFor(() => backup.eventIds().includes(id), 20000);
      expect(receiver.received).toHaveLength(3);
      expect(backup.received[0].verified).toBe(true);
      expect(backup.received[0].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    } finally {
      await backup.stop();
    }
  });

  it('pauses the subscription on 410 Gone and holds later events', async () => {
    const sub = await subscribe({ batchSize: 1 });
    receiver.reply = () => ({ status: 410 });
    await emitEvents(api, org, 1);
    await receiver.waitFor(() => receiver.received.length === 1);
    await waitForStatus(api, sub.id, 'PAUSED');
    const [row] = await api.dataSource.query('SELECT status_reason FROM event_subscriptions WHERE id = $1', [sub.id]);
    expect(row.status_reason).toContain('410');
    await emitEvents(api, org, 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    const stats = await api.get(`/v1/subscriptions/${sub.name}/stats`, org);
    expect(stats.body).toMatchObject({ held: 2, failed: 1 });
  });

  it('pauses the subscription when the schedule is exhausted; redeliver sends the same batch again', async () => {
    const sub = await subscribe({ batchSize: 2 });
    receiver.reply = () => ({ status: 500 });
    const ids = await emitEvents(api, org, 2);
    await waitForStatus(api, sub.id, 'PAUSED', 20000);
    expect(receiver.received).toHaveLength(5); // 1 + 4 retries
    const failed = await api.get(`/v1/subscriptions/${sub.name}/deliveries?state=FAILED`, org);
    const batchId = failed.body.batches[0].batchId;
    expect(failed.body.batches[0].failureReason).toMatch(/exhausted/);

    receiver.reply = () => ({ status: 200 });
    const redeliver = await api.post(`/v1/deliveries/${batchId}/redeliver`, {}, org);
    expect(redeliver.status).toBe(202);
    await setSubscriptionStatus(api, org, sub, 'ACTIVE');
    await receiver.waitFor(() => receiver.received.length === 6);
    expect(receiver.received[5].headers['webhook-id']).toBe(batchId);
    expect(receiver.received[5].body.events.map((e: { eventId: string }) => e.eventId)).toEqual(ids);
    // Attempt numbers keep growing across a redelivery, so the log never shows one number twice.
    await waitForStats(api, org, sub.name, { delivered: 2 });
    const [batch] = (await api.get(`/v1/subscriptions/${sub.name}/deliveries`, org)).body.batches;
    expect(batch.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('replays delivered events as new batches marked replay', async () => {
    const sub = await subscribe({ batchSize: 10 });
    const since = new Date(Date.now() - 1000).toISOString();
    const ids = await emitEvents(api, org, 3);
    await receiver.waitFor(() => receiver.eventIds().length === 3);
    await waitForStats(api, org, sub.name, { delivered: 3 });
    const res = await api.post(`/v1/subscriptions/${sub.name}/replay`, { since }, org);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ replayed: 3 });
    await receiver.waitFor(() => receiver.received.length === 2);
    const replay = receiver.received[1];
    expect(replay.body.replay).toBe(true);
    expect(replay.headers['webhook-id']).not.toBe(receiver.received[0].headers['webhook-id']);
    expect(replay.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(ids);
  });

  it('answers operator endpoints with 404 for another org and 400 for bad input', async () => {
    const sub = await subscribe();
    const other = await api.createOrg('delivery-other');
    expect((await api.get(`/v1/subscriptions/${sub.name}/deliveries`, other)).status).toBe(404);
    expect((await api.post(`/v1/subscriptions/${sub.name}/replay`, { since: 'yesterday' }, org)).status).toBe(400);
    expect((await api.post(`/v1/deliveries/not-a-uuid/redeliver`, {}, org)).status).toBe(400);
  });
});

async function waitForStatus(api: TestApi, subscriptionId: string, status: string, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await api.dataSource.query('SELECT status FROM event_subscriptions WHERE id = $1', [subscriptionId]);
    if (row.status === status) return;
    if (Date.now() > until) throw new Error(`subscription still ${row.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
