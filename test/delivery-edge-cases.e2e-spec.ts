import {
  createSubscription,
  emitEvents,
  NOTIFICATIONS,
  responsysError,
  setSubscriptionStatus,
  TestApi,
  TestOrg,
  TestSubscription,
  useDeliveryTestBed,
  waitForStats,
  WebhookReceiver,
} from '@app/testing';

const SUBS = `${NOTIFICATIONS}/subscriptions`;
const taken = (type: string) =>
  responsysError('Invalid request parameters', 'INVALID_PARAMETER', `There's an active subscription for event [ ${type} ] with other subscriptions`);

/** The delivery edge cases of issue 11: overlapping subscriptions, narrowed ones, late redelivery, a recovered primary. */
describe('delivery edge cases (api + worker + a verifying receiver)', () => {
  const bed = useDeliveryTestBed('edge');
  let api: TestApi;
  let org: TestOrg;
  let receiver: WebhookReceiver;
  beforeEach(() => ({ api, org, receiver } = bed));

  const subscribe = async (options: Partial<Parameters<typeof createSubscription>[2]> = {}, to = receiver) => {
    const sub = await createSubscription(api, org, { url: to.url, eventTypes: ['EMAIL_BOUNCED'], batchSize: 10, ...options });
    to.secrets.push(sub.secret);
    return sub;
  };
  /** A subscription PUT through the Responsys API, as a consumer sends it. */
  const put = (sub: TestSubscription, body: Record<string, unknown>) =>
    api.put(`${SUBS}/${sub.name}`, { callBackName: sub.name.replace(/^sub-/, 'cb-'), ...body }, org);
  const stats = async (sub: TestSubscription) => (await api.get(`/v1/subscriptions/${sub.name}/stats`, org)).body;
  const waitForCounts = (sub: TestSubscription, expected: Record<string, number>, timeoutMs?: number) =>
    waitForStats(api, org, sub.name, expected, timeoutMs);

  describe('a PAUSED subscription whose event types an ACTIVE one has taken', () => {
    it('holds no new events of the taken types, cannot be resumed or edited with them, and keeps what it held before', async () => {
      const paused = await subscribe({ status: 'PAUSED', eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'] });
      const heldBefore = await emitEvents(api, org, 1);
      await waitForCounts(paused, { held: 1 });

      // Another subscription takes EMAIL_BOUNCED while the first is PAUSED: Responsys allows that.
      const other = await new WebhookReceiver().start();
      try {
        const active = await subscribe({ eventTypes: ['EMAIL_BOUNCED'] }, other);
        const bounced = await emitEvents(api, org, 3);
        const failed = await emitEvents(api, org, 1, { type: 'EMAIL_FAILED' });
        await other.waitFor(() => other.eventIds().length === 3);
        expect(other.eventIds()).toEqual(bounced);
        await waitForCounts(paused, { held: 2 });
        // Held: the event from before the overlap and the EMAIL_FAILED one, nothing the ACTIVE one took.
        const held: Array<{ event_id: string }> = await api.dataSource.query(
          `SELECT event_id FROM deliveries WHERE subscription_id = $1 AND state = 'PENDING' ORDER BY id`,
          [paused.id],
        );
        expect(held.map((h) => h.event_id)).toEqual([...heldBefore, ...failed]);

        // Resuming, or any edit that keeps the taken type, answers Responsys's own error.
        for (const status of ['ACTIVE', 'PAUSED']) {
          const res = await put(paused, { eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'], status });
          expect(res.status).toBe(400);
          expect(res.body).toEqual(taken('EMAIL_BOUNCED'));
        }
        expect(receiver.received).toHaveLength(0);

        // Once the ACTIVE one is gone, the PAUSED one resumes and sends what it held, in order.
        expect((await api.delete(`${SUBS}/${active.name}`, org)).status).toBe(200);
        expect((await put(paused, { eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'], status: 'ACTIVE' })).status).toBe(200);
        await receiver.waitFor(() => receiver.eventIds().length === 2);
        expect(receiver.eventIds()).toEqual([...heldBefore, ...failed]);
      } finally {
        await other.stop();
      }
    });
  });

  describe('held events checked against the subscription as it is when they are sent', () => {
    it('skips, with a reason, held events whose type or campaign the subscription no longer takes', async () => {
      const sub = await subscribe({ status: 'PAUSED', eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'] });
      const [keep] = await emitEvents(api, org, 1, { campaignName: 'keep' });
      const [dropCampaign] = await emitEvents(api, org, 1, { campaignName: 'drop' });
      const [dropType] = await emitEvents(api, org, 1, { type: 'EMAIL_FAILED', campaignName: 'keep' });
      await waitForCounts(sub, { held: 3 });

      // Narrowed and resumed in one PUT: EMAIL_FAILED is gone, EMAIL_BOUNCED only for campaign "keep".
      const res = await put(sub, {
        eventTypes: ['EMAIL_BOUNCED'],
        status: 'ACTIVE',
        filters: [{ eventTypes: ['EMAIL_BOUNCED'], values: [{ campaignNames: ['keep'] }] }],
      });
      expect(res.status).toBe(200);
      await receiver.waitFor(() => receiver.eventIds().length === 1);
      await waitForCounts(sub, { skipped: 2 });
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.eventIds()).toEqual([keep]);
      expect(await stats(sub)).toMatchObject({ delivered: 1, skipped: 2, pending: 0, held: 0 });
      const skipped: Array<{ event_id: string; state: string; skip_reason: string }> = await api.dataSource.query(
        `SELECT event_id, state, skip_reason FROM deliveries WHERE subscription_id = $1 AND state = 'SKIPPED' ORDER BY id`,
        [sub.id],
      );
      expect(skipped).toEqual([
        { event_id: dropCampaign, state: 'SKIPPED', skip_reason: expect.stringContaining('campaign') },
        { event_id: dropType, state: 'SKIPPED', skip_reason: expect.stringContaining('EMAIL_FAILED') },
      ]);
    });
  });

  describe('redelivering a failed batch after newer batches went out', () => {
    it('is refused with 409 BATCH_OUT_OF_ORDER, and with outOfOrder: true goes out marked as such', async () => {
      const sub = await subscribe({ batchSize: 1 });
      receiver.reply = () => ({ status: 500 });
      const [first] = await emitEvents(api, org, 1);
      await waitForCounts(sub, { failed: 1 }, 20000);
      const failedBatch = receiver.received[0].headers['webhook-id'] as string;

      // The failure paused the subscription; resumed without a redelivery, the newer event goes out.
      receiver.reply = () => ({ status: 200 });
      const [second] = await emitEvents(api, org, 1);
      await setSubscriptionStatus(api, org, sub, 'ACTIVE');
      await receiver.waitFor(() => receiver.eventIds().includes(second));
      await waitForCounts(sub, { delivered: 1 });

      // As the README's curl sends it: no body at all.
      const refused = await api.request({ method: 'POST', url: `/v1/deliveries/${failedBatch}/redeliver`, as: org });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'BATCH_OUT_OF_ORDER', message: expect.stringContaining('outOfOrder') });
      const [row] = await api.dataSource.query('SELECT state FROM delivery_batches WHERE id = $1', [failedBatch]);
      expect(row.state).toBe('FAILED');
      expect((await api.post(`/v1/deliveries/${failedBatch}/redeliver`, { outOfOrder: 'yes' }, org)).status).toBe(400);

      const sent = receiver.received.length;
      const accepted = await api.post(`/v1/deliveries/${failedBatch}/redeliver`, { outOfOrder: true }, org);
      expect(accepted.status).toBe(202);
      await receiver.waitFor(() => receiver.received.length === sent + 1);
      const late = receiver.received[sent];
      expect(late.verified).toBe(true);
      expect(late.headers['webhook-id']).toBe(failedBatch);
      expect(late.body).toMatchObject({ batchId: failedBatch, outOfOrder: true });
      expect(late.body.events.map((e: { eventId: string }) => e.eventId)).toEqual([first]);
      // Batches in their place carry no mark.
      expect(receiver.received.find((w) => w.body.events[0]?.eventId === second)!.body).not.toHaveProperty('outOfOrder');
    });
  });

  describe('the primary URL after a failover to the backup', () => {
    it('is tried again, so a batch reaches a primary that has recovered while the backup is down', async () => {
      const backup = await new WebhookReceiver().start();
      try {
        const sub = await subscribe({ batchSize: 1, backupUrl: backup.url });
        backup.secrets.push(sub.secret);
        receiver.reply = (_w, i) => (i < 3 ? { status: 502 } : { status: 200 });
        backup.reply = () => ({ status: 503 });
        const [id] = await emitEvents(api, org, 1);
        await waitForCounts(sub, { delivered: 1 }, 20000);
        expect(backup.received).toHaveLength(1);
        expect(receiver.received).toHaveLength(4);
        expect(receiver.eventIds().at(-1)).toBe(id);
        expect(new Set([...receiver.received, ...backup.received].map((w) => w.headers['webhook-id'])).size).toBe(1);
        const [batch] = (await api.get(`/v1/subscriptions/${sub.name}/deliveries`, org)).body.batches;
        expect(batch.attempts.map((a: { url: string }) => (a.url === backup.url ? 'backup' : 'primary'))).toEqual([
          'primary',
          'primary',
          'primary',
          'backup',
          'primary',
        ]);
      } finally {
        await backup.stop();
      }
    });
  });
});
