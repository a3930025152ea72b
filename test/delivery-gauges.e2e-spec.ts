import { createSubscription, TestApi, TestOrg } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DELIVERY_GAUGE_CAP, readDeliveryGauges } from '../apps/worker/src/delivery-gauges';

/**
 * The worker's `optline_deliveries{state}` gauges: exact while small, and capped so that a scrape
 * never counts a backlog row by row. No worker runs here, so nothing moves the rows under the
 * counts; other files' leftovers in the test database are measured first and added.
 */
describe('delivery gauges (/metrics of the worker)', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('gauges');
  });
  afterAll(async () => {
    for (const table of ['deliveries', 'delivery_batches', 'events']) await api.dataSource.query(`DELETE FROM ${table} WHERE org_id = $1`, [org.orgId]);
    await api.close();
  });

  /** `count` pending deliveries of new events for the subscription; returns nothing. */
  async function pending(subscriptionId: string, count: number): Promise<void> {
    await api.dataSource.query(
      `WITH e AS (
         INSERT INTO events (id, org_id, type, payload, occurred_at, fanned_out_at)
         SELECT gen_random_uuid(), $1, 'EMAIL_FAILED', '{}', now(), now() FROM generate_series(1, $3) RETURNING id)
       INSERT INTO deliveries (org_id, subscription_id, event_id) SELECT $1, $2, id FROM e`,
      [org.orgId, subscriptionId, count],
    );
  }

  it('counts pending, held and in-flight deliveries exactly below the cap', async () => {
    const before = await readDeliveryGauges(api.dataSource);
    expect(Math.max(before.PENDING, before.HELD) + 10).toBeLessThan(DELIVERY_GAUGE_CAP);
    const active = await createSubscription(api, org, { url: 'http://127.0.0.1:9/hook', eventTypes: ['EMAIL_FAILED'] });
    const paused = await createSubscription(api, org, { url: 'http://127.0.0.1:9/hook', eventTypes: ['EMAIL_FAILED'], status: 'PAUSED' });
    await pending(active.id, 2);
    await pending(paused.id, 3);
    await api.dataSource.query(`INSERT INTO delivery_batches (id, org_id, subscription_id, state, event_count) VALUES ($1, $2, $3, 'SENDING', 4)`, [
      randomUUID(),
      org.orgId,
      active.id,
    ]);
    expect(await readDeliveryGauges(api.dataSource)).toEqual({
      PENDING: before.PENDING + 2,
      HELD: before.HELD + 3,
      IN_FLIGHT: before.IN_FLIGHT + 4,
    });
  });

  it(`stops counting at ${DELIVERY_GAUGE_CAP} (the gauge then reads "that many or more")`, async () => {
    const paused = await createSubscription(api, org, { url: 'http://127.0.0.1:9/hook', eventTypes: ['EMAIL_FAILED'], status: 'PAUSED' });
    await pending(paused.id, DELIVERY_GAUGE_CAP + 1);
    const gauges = await readDeliveryGauges(api.dataSource);
    expect(gauges.HELD).toBe(DELIVERY_GAUGE_CAP);
    expect(gauges.PENDING).toBeLessThan(DELIVERY_GAUGE_CAP);
  });
});
