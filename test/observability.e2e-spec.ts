import { registerCustomer, TestApi } from '@app/testing';

process.env.OPERATOR_TOKEN = 'operator-token-for-tests-0123';

describe('metrics and the queue dashboard', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  it('counts accepted events at /metrics, without a key', async () => {
    const org = await api.createOrg('metrics');
    const customer = await registerCustomer(api, org);
    await api.post(`/v2/customers/${customer.id}/subscriptions`, { subscriptions: [{ channel: 'SMS', priority: 'BULK', type: 'OPTOUT' }] }, org);
    const res = await api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/optline_events_accepted_total [1-9]/);
    expect(res.text).toMatch(/optline_queue_jobs\{queue="events",state="waiting"\}/);
  });

  it('serves the BullMQ dashboard behind the operator token only', async () => {
    expect((await api.get('/admin/queues')).status).toBe(401);
    expect((await api.get('/admin/queues', undefined, { authorization: 'Bearer wrong-token-0000000000' })).status).toBe(401);
    const ok = await api.get('/admin/queues', undefined, { authorization: 'Bearer operator-token-for-tests-0123' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<html');
    const basic = `Basic ${Buffer.from('ops:operator-token-for-tests-0123').toString('base64')}`;
    const queues = await api.get('/admin/queues/api/queues', undefined, { authorization: basic });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['deliveries', 'events']);
  });
});
