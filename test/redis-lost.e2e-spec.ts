import { freePort, registerCustomer, startLocalRedis, TestApi, TestOrg } from '@app/testing';
import { ChildProcess } from 'node:child_process';

/**
 * Postgres holds every change; Redis only moves work and counts budgets. So when Redis is lost,
 * the API still takes changes and answers decisions (rate limits fail open, the outbox sweeper
 * publishes later), instead of failing every authenticated request with a 500.
 */
describe('the API with its Redis lost', () => {
  let redis: ChildProcess | undefined;
  let port: number;
  let api: TestApi;
  let org: TestOrg;
  const savedRedisUrl = process.env.REDIS_URL;

  const startRedis = () =>
    (redis = startLocalRedis(port));

  beforeAll(async () => {
    port = await freePort();
    startRedis();
    process.env.REDIS_URL = `redis://127.0.0.1:${port}/0`;
    api = await TestApi.start();
    org = await api.createOrg('redis-lost');
  }, 60000);

  afterAll(async () => {
    try {
      await api?.close();
    } finally {
      redis?.kill('SIGKILL');
      process.env.REDIS_URL = savedRedisUrl;
    }
  });

  it('records an opt-out, answers the decision and refuses a wrong key, with no 5xx', async () => {
    const customer = await registerCustomer(api, org);
    redis!.kill('SIGKILL');
    await new Promise((resolve) => redis!.once('exit', resolve));

    const started = Date.now();
    const optOut = await api.post(
      `/v2/customers/${customer.id}/subscriptions`,
      { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] },
      org,
    );
    expect(optOut.status).toBe(200);
    // A lost Redis does not hold a request up for long either.
    expect(Date.now() - started).toBeLessThan(5000);
    const ledger = await api.dataSource.query(
      "SELECT status FROM consent_ledger WHERE org_id = $1 AND customer_id = $2 AND channel = 'EMAIL'",
      [org.orgId, customer.id],
    );
    expect(ledger).toEqual([{ status: 'OPTOUT' }]);

    const decision = await api.get(`/v1/customers/${customer.id}/consent?channel=EMAIL&topic=BULK`, org);
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({ allowed: false, status: 'OPTOUT' });

    const wrongKey = await api.app.inject({ method: 'GET', url: `/v1/customers/${customer.id}/consent?channel=EMAIL&topic=BULK`, headers: { authorization: 'Bearer ol_wrong' } });
    expect(wrongKey.statusCode).toBe(401);

    // Redis comes back (empty): budgets are counted again, with their headers.
    startRedis();
    const deadline = Date.now() + 15000;
    let counted: unknown;
    while (!counted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      counted = (await api.get(`/v1/customers/${customer.id}/consent?channel=EMAIL&topic=BULK`, org)).headers['ratelimit'];
    }
    expect(String(counted)).toMatch(/^"key";r=\d+;t=\d+$/);
  }, 30000);
});
