import { ActorContext, Channel, ConsentsService, ConsentStatus } from '@app/domain';
import { registerCustomer, TestApi, TestOrg } from '@app/testing';

/**
 * The precedence rule through GET /v1/customers/{id}/consent. Capillary writes channel-wide
 * records; the address-level ones are written through the domain service, as a dialect would.
 */
describe('GET /v1/customers/{id}/consent (may I send?)', () => {
  let api: TestApi;
  let org: TestOrg;
  let actor: ActorContext;
  const EMAIL = 'Tom@Example.com';

  const channelWide = (id: number, type: 'OPTIN' | 'OPTOUT') =>
    api.post(`/v2/customers/${id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type }] }, org);
  const atAddress = (id: number, status: ConsentStatus) =>
    api.app.get(ConsentsService).apply(actor, {
      customerId: id,
      createMissing: true,
      reason: `address ${status}`,
      changes: [{ channel: Channel.EMAIL, topic: 'BULK', accountId: '', address: EMAIL, status }],
    });
  const ask = (id: number, query = `channel=email&topic=BULK&address=${encodeURIComponent(EMAIL.toLowerCase())}`, as = org) =>
    api.get(`/v1/customers/${id}/consent?${query}`, as);

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('consent');
    actor = { orgId: org.orgId, apiKeyId: org.keyId, dialect: 'native' };
  });
  afterAll(() => api.close());

  it('allows by the implicit default when no record applies', async () => {
    const { id } = await registerCustomer(api, org);
    const res = await ask(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ allowed: true, status: 'OPTIN', decidedBy: null });
  });

  it('channel opt-in against an address opt-out: the address opt-out decides, in either order', async () => {
    for (const order of ['channel first', 'address first']) {
      const { id } = await registerCustomer(api, org);
      if (order === 'channel first') {
        await channelWide(id, 'OPTOUT');
        await channelWide(id, 'OPTIN');
        await atAddress(id, ConsentStatus.OPTOUT);
      } else {
        await atAddress(id, ConsentStatus.OPTOUT);
        await channelWide(id, 'OPTOUT');
        await channelWide(id, 'OPTIN');
      }
      const res = await ask(id);
      expect(res.body).toMatchObject({
        allowed: false,
        status: 'OPTOUT',
        decidedBy: { level: 'address', channel: 'EMAIL', topic: 'BULK', address: 'tom@example.com', ledgerEntry: { reason: 'address OPTOUT', dialect: 'native', status: 'OPTOUT' } },
      });
    }
  });

  it('channel opt-out against an older address opt-in: the channel opt-out decides', async () => {
    const { id } = await registerCustomer(api, org);
    await atAddress(id, ConsentStatus.OPTIN);
    await channelWide(id, 'OPTOUT');
    const res = await ask(id);
    expect(res.body).toMatchObject({
      allowed: false,
      status: 'OPTOUT',
      decidedBy: { level: 'channel', address: '', ledgerEntry: { dialect: 'capillary-v2', previousStatus: null, status: 'OPTOUT' } },
    });
  });

  it('channel opt-out against a later address opt-in: the more specific, more recent opt-in decides', async () => {
    const { id } = await registerCustomer(api, org);
    await channelWide(id, 'OPTOUT');
    await atAddress(id, ConsentStatus.OPTIN);
    expect((await ask(id)).body).toMatchObject({ allowed: true, status: 'OPTIN', decidedBy: { level: 'address' } });
    // The channel-wide question is answered by the channel-wide record alone.
    expect((await ask(id, 'channel=EMAIL&topic=BULK')).body).toMatchObject({ allowed: false, decidedBy: { level: 'channel' } });
  });

  it("answers an Altcraft subscription with its proof, by the customer id Altcraft's answer carries", async () => {
    const set = await api.post('/api/v1.1/subscriptions/set', {
      token: org.key, db_id: 1, profile_id: 'decide-1', resource_id: 7, channel: 'sms', phone: '+79000000009', status: 'suspended', ip: '203.0.113.7',
    });
    const res = await ask(Number(set.headers['optline-customer-id']), 'channel=SMS&topic=7&address=%2B7%20900%20000-00-09');
    expect(res.body).toMatchObject({ allowed: false, status: 'SUSPENDED', decidedBy: { level: 'address', ledgerEntry: { dialect: 'altcraft', proof: { ip: '203.0.113.7' } } } });
  });

  it('validates the question in the native error body', async () => {
    const { id } = await registerCustomer(api, org);
    const fax = await ask(id, 'channel=FAX&topic=BULK');
    expect(fax.status).toBe(400);
    expect(fax.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'channel', message: expect.stringContaining('EMAIL') }] });
    const noTopic = await ask(id, 'channel=SMS');
    expect(noTopic.body.error.details[0].field).toBe('topic');
  });

  it('answers 401 without a key and 404 for another org or an unknown id', async () => {
    const { id } = await registerCustomer(api, org);
    const other = await api.createOrg('consent-other');
    expect((await api.get(`/v1/customers/${id}/consent?channel=SMS&topic=BULK`)).status).toBe(401);
    const foreign = await ask(id, 'channel=SMS&topic=BULK', other);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('CUSTOMER_NOT_FOUND');
    expect((await ask(999999999, 'channel=SMS&topic=BULK')).status).toBe(404);
    expect((await api.get('/v1/customers/abc/consent?channel=SMS&topic=BULK', org)).status).toBe(404);
  });

  it('lists the consent, Altcraft and WM endpoints in the OpenAPI document', async () => {
    const res = await api.get('/docs/json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/customers/{id}/consent',
        '/api/v1.1/subscriptions/set',
        '/api/v1/customers/{customerId}/communication-preferences',
      ]),
    );
  });
});
