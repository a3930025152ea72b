// Small budgets for this process only (test-env.ts sets ones the other tests never reach).
process.env.RATE_LIMIT_KEY_PER_SECOND = '1000';
process.env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE = '5';
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE = '4';
process.env.RATE_LIMIT_VERIFY_PER_MINUTE = '2';

import { OrgsService } from '@app/domain';
import { createCallback, NOTIFICATIONS, registerCustomer, runCli, TestApi, TestOrg } from '@app/testing';
import { randomInt } from 'node:crypto';
import { RedisThrottlerStorage } from '../apps/api/src/rate-limit/redis-throttler.storage';

/** A client address of its own per test, so budgets spent by one test never reach another. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const RESPONSYS_429 = { type: '', title: 'Too many requests', errorCode: 'TOO_MANY_REQUESTS', detail: 'Too many requests', errorDetails: [] };

describe('rate limits', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('ratelimit');
  });
  afterAll(() => api.close());

  async function send(url: string, ip: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET', body?: unknown) {
    const res = await api.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    let parsed: any = res.body;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      // XML or empty: keep the text
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  }

  it("holds each key to its org's budget per second, with the IETF headers and a 429 in the dialect's body", async () => {
    const limited = await api.createOrg('ratelimit-own');
    const customer = await registerCustomer(api, limited);
    await api.app.get(OrgsService).setRateLimit(limited.slug, 3);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the registration's second is over
    const url = `/v2/customers/${customer.id}/subscriptions`;
    const ip = freshIp();

    const first = await send(url, ip, { authorization: limited.basic });
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"key";q=3;w=1');
    expect(first.headers['ratelimit']).toMatch(/^"key";r=2;t=1$/);
    const statuses = [first.status];
    let refused;
    while (!refused && statuses.length < 10) {
      const res = await send(url, ip, { authorization: limited.basic });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(refused!.body).toEqual({ errors: [{ code: 429, message: 'Too many requests' }], warnings: [] });
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused!.headers['ratelimit']).toMatch(/^"key";r=0;t=\d+$/);

    // Another org's key has its own budget, the env default.
    const other = await send(url.replace(String(customer.id), '1'), ip, { authorization: org.basic });
    expect(other.status).not.toBe(429);
    expect(other.headers['ratelimit-policy']).toBe('"key";q=1000;w=1');

    // The org's budget comes back with the next second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(url, ip, { authorization: limited.basic })).status).toBe(200);
  });

  it('locks an IP out after 5 failed authentications a minute, before its keys cost a lookup', async () => {
    const guesser = freshIp();
    const orgs = api.app.get(OrgsService);
    const lookups = jest.spyOn(orgs, 'authenticate');
    const url = '/v2/customers/1/subscriptions';
    const attempts = [];
    for (let i = 0; i < 5; i++) attempts.push((await send(url, guesser, { authorization: `Bearer ol_guess${i}` })).status);
    attempts.push((await send(url, guesser)).status); // no credentials at all counts too
    expect(attempts).toEqual([401, 401, 401, 401, 401, 429]);

    const callsBefore = lookups.mock.calls.length;
    const locked = await send(url, guesser, { authorization: org.basic });
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ errors: [{ code: 429, message: 'Too many requests' }], warnings: [] });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(55);
    expect(locked.headers['ratelimit-policy']).toBe('"failed-auth";q=5;w=60');
    expect(lookups.mock.calls.length).toBe(callsBefore);
    lookups.mockRestore();

    // Another client with the same valid key is not affected.
    expect((await send(url, freshIp(), { authorization: org.basic })).status).not.toBe(429);
  });

  it('trusts an IP found not locked out for a second at most: a lockout counted by another replica reaches this one', async () => {
    const ip = freshIp();
    const url = '/v2/customers/1/subscriptions';
    expect((await send(url, ip, { authorization: org.basic })).status).not.toBe(429);
    // Another replica counts the IP's failures in the shared store, past this one's limiter.
    const shared = api.app.get(RedisThrottlerStorage);
    for (let i = 0; i < 6; i++) await shared.increment(ip, 60_000, 5, 60_000, 'failed-auth');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(url, ip, { authorization: org.basic })).status).toBe(429);
  });

  it('answers a locked-out IP in each dialect’s error body', async () => {
    const guesser = freshIp();
    for (let i = 0; i < 6; i++) await send('/v2/customers/1/subscriptions', guesser, { authorization: 'Bearer ol_wrong' });
    const responsys = await send(`${NOTIFICATIONS}/callbacks`, guesser, { authorization: org.basic });
    const altcraft = await send('/api/v1.1/subscriptions/set', guesser, {}, 'POST', { token: org.key });
    const wm = await send('/api/v1/customers/1/communication-preferences', guesser, { authorization: org.basic });
    for (const res of [responsys, altcraft, wm]) {
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    }
    expect(responsys.body).toEqual(RESPONSYS_429);
    expect(altcraft.body).toEqual({ error: 429, error_text: 'Too many requests' });
    expect(wm.body).toEqual({ status: 'Failure', request_tracking_id: '', errors: [{ field: 'request', message: 'Too many requests' }] });
  });

  it('holds public routes to a budget per client IP', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send('/health', ip)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const another = await send('/health', freshIp());
    expect(another.status).toBe(200);
    expect(another.headers['ratelimit-policy']).toBe('"public";q=4;w=60');
  });

  it('gives callback verification, which sends a request out, its own small budget per org', async () => {
    const { name } = await createCallback(api, org);
    const ip = freshIp();
    const first = await send(`${NOTIFICATIONS}/callbacks/${name}/actions/verify`, ip, { authorization: org.basic });
    const second = await send(`${NOTIFICATIONS}/callbacks/${name}?action=verify`, ip, { authorization: org.basic });
    const third = await send(`${NOTIFICATIONS}/callbacks/${name}/actions/verify`, ip, { authorization: org.basic });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(third.headers['ratelimit-policy']).toBe('"verify";q=2;w=60');
    expect(third.body).toEqual(RESPONSYS_429);
    // Reading the callback is not a verification and stays open.
    expect((await send(`${NOTIFICATIONS}/callbacks/${name}`, ip, { authorization: org.basic })).status).toBe(200);
  });

  it("sets an org's own budget from the CLI, and back to the default", async () => {
    const tenant = await api.createOrg('ratelimit-cli');
    const limitOf = async () => (await api.dataSource.query('SELECT rate_limit_per_second AS n FROM orgs WHERE id = $1', [tenant.orgId]))[0].n;
    const set = await runCli(['org:rate-limit', tenant.slug, '8000']);
    expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining('8000 requests per second per key') });
    expect(await limitOf()).toBe(8000);
    expect((await runCli(['org:rate-limit', tenant.slug, 'default'])).code).toBe(0);
    expect(await limitOf()).toBeNull();
    const bad = await runCli(['org:rate-limit', tenant.slug, '-3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a positive whole number');
    expect((await runCli(['org:rate-limit', 'no-such-org', '10'])).stderr).toContain('not found');
  }, 120000);
});
