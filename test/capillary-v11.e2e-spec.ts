import { registerCustomer, TestApi, TestOrg } from '@app/testing';

describe('Capillary v1.1 customer/subscriptions', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('cap-v11');
  });
  afterAll(() => api.close());

  it('applies each item on its own and reports each', async () => {
    const a = await registerCustomer(api, org);
    const b = await registerCustomer(api, org);
    const body = {
      root: {
        subscription: [
          { mobile: a.mobile, priority: 'BULK', scope: 'all', channel: 'sms', is_subscribed: '0' },
          { email: b.email, priority: 'TRANS', scope: 'all', channel: 'email', is_subscribed: '0' },
          { mobile: a.mobile, priority: 'TANS', scope: 'all', channel: 'sms', is_subscribed: '0' },
          { mobile: '0000000', priority: 'BULK', scope: 'all', channel: 'sms', is_subscribed: '0' },
          { id: String(b.id), priority: 'TRANS', channel: 'email', is_subscribed: '0' },
        ],
      },
    };
    const res = await api.post('/v1.1/customer/subscriptions?format=json', body, org);
    expect(res.status).toBe(200);
    expect(res.body.response.status).toEqual({ success: 'true', code: 201, message: 'Some requests have failed due to errors' });
    const items = res.body.response.subscriptions.subscription;
    expect(items.map((i: { item_status: { code: number } }) => i.item_status.code)).toEqual([1000, 1000, 1102, 8015, 1108]);
    expect(items[0]).toMatchObject({ mobile: a.mobile, user_id: a.id, item_status: { success: 'true' } });
    expect(items[2].item_status).toMatchObject({ success: 'false', message: expect.stringContaining('TANS') });

    const aState = await api.get(`/v2/customers/${a.id}/subscriptions`, org);
    expect(aState.body.subscriptions).toContainEqual({ channel: 'SMS', accountId: '', priority: 'BULK', type: 'OPTOUT' });
    // The second opt-out of b changed nothing (1108); the ledger keeps it as a repeat, for its time.
    const ledger = await api.dataSource.query('SELECT dialect, previous_status, status FROM consent_ledger WHERE customer_id = $1 ORDER BY id', [b.id]);
    expect(ledger).toEqual([
      { dialect: 'capillary-v1.1', previous_status: null, status: 'OPTOUT' },
      { dialect: 'capillary-v1.1', previous_status: 'OPTOUT', status: 'OPTOUT' },
    ]);
  });

  it('refuses more than 100 items, writing nothing', async () => {
    const a = await registerCustomer(api, org);
    const item = { email: a.email, priority: 'BULK', channel: 'email', is_subscribed: '0' };
    const res = await api.post('/v1.1/customer/subscriptions?format=json', { root: { subscription: Array(101).fill(item) } }, org);
    expect(res.status).toBe(400);
    expect(res.body.response.status.message).toContain('100');
    expect(await api.dataSource.query('SELECT 1 FROM consent_ledger WHERE customer_id = $1', [a.id])).toEqual([]);
  });

  it('accepts a single flat item and answers 400 when every item fails', async () => {
    const a = await registerCustomer(api, org);
    const flat = await api.post('/v1.1/customer/subscriptions?format=json', { email: a.email, priority: 'BULK', channel: 'email', is_subscribed: '0' }, org);
    expect(flat.status).toBe(200);
    expect(flat.body.response.subscriptions.subscription[0].item_status.code).toBe(1000);

    const bad = await api.post('/v1.1/customer/subscriptions?format=json', { root: { subscription: { email: a.email, priority: 'BULK', channel: 'fax', is_subscribed: '1' } } }, org);
    expect(bad.status).toBe(400);
    expect(bad.body.response.status.code).toBe(500);
    expect(bad.body.response.subscriptions.subscription[0].item_status.code).toBe(1101);
  });
});
