import { OrgsService } from '@app/domain';
import { registerCustomer, TestApi, TestOrg } from '@app/testing';

describe('auth (Basic org:key, Bearer key)', () => {
  let api: TestApi;
  let org: TestOrg;
  let other: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('auth');
    other = await api.createOrg('auth-other');
  });
  afterAll(() => api.close());

  it('answers 401 with no detail when the key is missing, wrong, or for another org', async () => {
    const customer = await registerCustomer(api, org);
    const url = `/v2/customers/${customer.id}/subscriptions`;
    const wrongOrg = `Basic ${Buffer.from(`${other.slug}:${org.key}`).toString('base64')}`;
    for (const authorization of [undefined, 'Bearer ol_not-a-key', wrongOrg, 'Basic !!!']) {
      const res = await api.get(url, undefined, authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ code: 401, message: 'Unauthorized' }], warnings: [] });
    }
  });

  it('accepts Basic and Bearer', async () => {
    const customer = await registerCustomer(api, org);
    const url = `/v2/customers/${customer.id}/subscriptions`;
    expect((await api.get(url, undefined, { authorization: org.basic })).status).toBe(200);
    expect((await api.get(url, undefined, { authorization: org.bearer })).status).toBe(200);
  });

  it("answers another org's customer with 404, never 403", async () => {
    const customer = await registerCustomer(api, org);
    const res = await api.get(`/v2/customers/${customer.id}/subscriptions`, other);
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe(8015);
    const write = await api.post(
      `/v2/customers/${customer.id}/subscriptions`,
      { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] },
      other,
    );
    expect(write.status).toBe(404);
    const [{ count }] = await api.dataSource.query('SELECT count(*)::int AS count FROM consent_ledger WHERE customer_id = $1', [customer.id]);
    expect(count).toBe(0);
  });

  it('stops accepting a revoked key', async () => {
    const fresh = await api.createOrg('auth-revoke');
    const customer = await registerCustomer(api, fresh);
    await api.app.get(OrgsService).revokeKey(fresh.keyId);
    const res = await api.get(`/v2/customers/${customer.id}/subscriptions`, fresh);
    expect(res.status).toBe(401);
  });

  it('stores only a hash of the key', async () => {
    const rows = await api.dataSource.query('SELECT key_hash, key_prefix FROM api_keys WHERE id = $1', [org.keyId]);
    expect(rows[0].key_hash).not.toContain(org.key);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves health without a key', async () => {
    expect((await api.get('/health')).body).toEqual({ status: 'ok' });
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves the OpenAPI document with the Capillary endpoints', async () => {
    const res = await api.get('/docs/json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v2/customers', '/v2/customers/{id}/subscriptions', '/v1.1/customer/subscriptions']),
    );
  });
});
