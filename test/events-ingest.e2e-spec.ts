import { EventPublisher, JobName } from '@app/queues';
import { eventsQueue, jobsNamed, registerCustomer, TestApi, TestOrg } from '@app/testing';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';

describe('native event ingest (POST /v1/events)', () => {
  let api: TestApi;
  let org: TestOrg;
  let queue: Queue;

  const eventsOf = (customerId: number) =>
    api.dataSource.query('SELECT * FROM events WHERE org_id = $1 AND customer_id = $2 ORDER BY seq', [org.orgId, customerId]);
  const ledgerOf = (customerId: number) =>
    api.dataSource.query('SELECT * FROM consent_ledger WHERE customer_id = $1 ORDER BY id', [customerId]);
  const bounce = (customerId: number, extra: object = {}) => ({
    type: 'EMAIL_BOUNCED',
    customerId,
    channel: 'EMAIL',
    campaignId: 193897761,
    campaignName: 'Summer Promotions',
    recipient: 'example@oracle.com',
    reason: 'MAILBOX_FULL',
    occurredAt: '2025-06-01T10:00:00Z',
    data: { riid: '3738409741' },
    ...extra,
  });

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('ingest');
    queue = eventsQueue();
  });
  afterAll(async () => {
    await queue.close();
    await api.close();
  });

  it('writes an outcome event to the outbox and publishes its id', async () => {
    const customer = await registerCustomer(api, org);
    const res = await api.post('/v1/events', { events: [bounce(customer.id)] }, org);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, eventIds: [expect.any(String)], superseded: [] });
    const [row] = await eventsOf(customer.id);
    expect(row).toMatchObject({
      id: res.body.eventIds[0],
      type: 'EMAIL_BOUNCED',
      channel: 'EMAIL',
      campaign_id: '193897761',
      campaign_name: 'Summer Promotions',
      recipient: 'example@oracle.com',
      payload: { source: 'native', reason: 'MAILBOX_FULL', data: { riid: '3738409741' } },
      fanned_out_at: null,
    });
    expect(row.occurred_at.toISOString()).toBe('2025-06-01T10:00:00.000Z');
    await api.app.get(EventPublisher).flush();
    const published = (await jobsNamed<{ eventIds: string[] }>(queue, JobName.FAN_OUT)).flatMap((d) => d.eventIds);
    expect(published).toContain(res.body.eventIds[0]);
  });

  it('applies an ingested SMS_OPT_OUT to consent state and the ledger, as exactly one event', async () => {
    const customer = await registerCustomer(api, org);
    const id = randomUUID();
    const res = await api.post(
      '/v1/events',
      { events: [{ id, type: 'SMS_OPT_OUT', identifier: { type: 'mobile', value: customer.mobile }, channel: 'SMS', reason: 'STOP received', recipient: customer.mobile }] },
      org,
      { 'user-agent': 'campaign-tool/2.0' },
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, eventIds: [id], superseded: [] });

    const [state] = await api.dataSource.query("SELECT * FROM consents WHERE customer_id = $1 AND channel = 'SMS'", [customer.id]);
    expect(state).toMatchObject({ topic: 'BULK', account_id: '', status: 'OPTOUT' });
    const ledger = await ledgerOf(customer.id);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      channel: 'SMS',
      previous_status: null,
      status: 'OPTOUT',
      dialect: 'native',
      api_key_id: org.keyId,
      reason: 'STOP received',
      user_agent: 'campaign-tool/2.0',
      proof: { eventId: id, eventType: 'SMS_OPT_OUT', recipient: customer.mobile },
    });
    const events = await eventsOf(customer.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id, type: 'SMS_OPT_OUT', payload: { consent: { status: 'OPTOUT', previousStatus: 'OPTIN', changed: true } } });

    // The Capillary view sees the same state.
    const capillary = await api.get(`/v2/customers/${customer.id}/subscriptions`, org);
    expect(capillary.body.subscriptions).toContainEqual({ channel: 'SMS', accountId: '', priority: 'BULK', type: 'OPTOUT' });
  });

  it('validates the batch whole: one unknown type is a 400 naming the item, and nothing is written', async () => {
    const customer = await registerCustomer(api, org);
    const optOut = { type: 'EMAIL_OPTOUT', customerId: customer.id, channel: 'EMAIL' };
    const res = await api.post('/v1/events', { events: [optOut, { ...optOut, type: 'EMAIL_EXPLODED' }, bounce(customer.id)] }, org);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(res.body.error.details).toEqual([{ field: 'events[1].type', message: expect.stringContaining('unknown event type EMAIL_EXPLODED') }]);
    expect(await eventsOf(customer.id)).toEqual([]);
    expect(await ledgerOf(customer.id)).toEqual([]);
  });

  it('rolls the whole batch back when a later item names an unknown customer', async () => {
    const customer = await registerCustomer(api, org);
    const res = await api.post(
      '/v1/events',
      {
        events: [
          { type: 'EMAIL_OPTOUT', customerId: customer.id, channel: 'EMAIL' },
          { type: 'EMAIL_OPTOUT', identifier: { type: 'email', value: 'nobody@example.com' }, channel: 'EMAIL' },
        ],
      },
      org,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'CUSTOMER_NOT_FOUND', message: 'events[1]: No customer found with the given identifier' });
    expect(await eventsOf(customer.id)).toEqual([]);
    expect(await ledgerOf(customer.id)).toEqual([]);
    expect(await api.dataSource.query('SELECT * FROM consents WHERE customer_id = $1', [customer.id])).toEqual([]);
  });

  it.each([
    ['a channel that does not match the type', { channel: 'SMS' }, 'channel SMS does not match event type EMAIL_BOUNCED (EMAIL)'],
    ['neither customerId nor identifier', { customerId: undefined }, 'give either customerId or identifier'],
    ['both customerId and identifier', { identifier: { type: 'email', value: 'x@example.com' } }, 'give either customerId or identifier'],
  ])('refuses %s', async (_case, extra, text) => {
    const customer = await registerCustomer(api, org);
    const res = await api.post('/v1/events', { events: [bounce(customer.id), bounce(customer.id, extra)] }, org);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`events[1]: ${text}`);
    expect(await eventsOf(customer.id)).toEqual([]);
  });

  it.each([
    ['more than 1,000 events', (id: number) => ({ events: Array.from({ length: 1001 }, () => bounce(id)) }), 'events'],
    ['no events', () => ({ events: [] }), 'events'],
    ['data above 4 KiB', (id: number) => ({ events: [bounce(id, { data: { blob: 'x'.repeat(4100) } })] }), 'events[0].data'],
    ['a malformed id', (id: number) => ({ events: [bounce(id, { id: 'not-a-uuid' })] }), 'events[0].id'],
    ['a malformed occurredAt', (id: number) => ({ events: [bounce(id, { occurredAt: 'yesterday' })] }), 'events[0].occurredAt'],
    ['an unknown field', (id: number) => ({ events: [bounce(id, { colour: 'red' })] }), 'events[0].colour'],
  ])('refuses %s', async (_case, body, field) => {
    const customer = await registerCustomer(api, org);
    const res = await api.post('/v1/events', body(customer.id), org);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await eventsOf(customer.id)).toEqual([]);
  });

  it('refuses the same id twice in one batch', async () => {
    const customer = await registerCustomer(api, org);
    const id = randomUUID();
    const res = await api.post('/v1/events', { events: [bounce(customer.id, { id }), bounce(customer.id, { id })] }, org);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`events[1]: id ${id} is also the id of events[0]`);
  });

  it('makes a retry with the same Idempotency-Key a no-op returning the first answer, even when concurrent', async () => {
    const customer = await registerCustomer(api, org);
    const body = { events: [{ type: 'EMAIL_OPTOUT', customerId: customer.id, channel: 'EMAIL' }, bounce(customer.id)] };
    const headers = { 'idempotency-key': `key-${randomUUID()}` };
    const first = await api.post('/v1/events', body, org, headers);
    expect(first.status).toBe(202);
    const retries = await Promise.all(Array.from({ length: 5 }, () => api.post('/v1/events', body, org, headers)));
    for (const retry of retries) {
      expect(retry.status).toBe(202);
      expect(retry.body).toEqual(first.body);
    }
    expect(await eventsOf(customer.id)).toHaveLength(2);
    expect(await ledgerOf(customer.id)).toHaveLength(1);

    const reused = await api.post('/v1/events', { events: [bounce(customer.id)] }, org, headers);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys are per org: another org may use the same one.
    const other = await api.createOrg('ingest-other');
    const otherCustomer = await registerCustomer(api, other);
    expect((await api.post('/v1/events', { events: [bounce(otherCustomer.id)] }, other, headers)).status).toBe(202);
  });

  it('processes concurrent first requests with one Idempotency-Key once', async () => {
    const customer = await registerCustomer(api, org);
    const body = { events: [{ type: 'SMS_OPT_OUT', customerId: customer.id, channel: 'SMS' }] };
    const headers = { 'idempotency-key': randomUUID() };
    const results = await Promise.all(Array.from({ length: 8 }, () => api.post('/v1/events', body, org, headers)));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([202]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(await eventsOf(customer.id)).toHaveLength(1);
    expect(await ledgerOf(customer.id)).toHaveLength(1);
  });

  it('makes a retry with the same event ids a no-op, even when concurrent', async () => {
    const customer = await registerCustomer(api, org);
    const ids = [randomUUID(), randomUUID()];
    const body = {
      events: [
        { id: ids[0], type: 'WEBPUSH_OPTOUT', customerId: customer.id, channel: 'WEBPUSH' },
        bounce(customer.id, { id: ids[1].toUpperCase() }),
      ],
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => api.post('/v1/events', body, org)));
    for (const r of results) {
      expect(r.status).toBe(202);
      expect(r.body).toEqual({ accepted: 2, eventIds: ids, superseded: [] });
    }
    const again = await api.post('/v1/events', body, org);
    expect(again.body).toEqual({ accepted: 2, eventIds: ids, superseded: [] });
    expect((await eventsOf(customer.id)).map((e: { id: string }) => e.id)).toEqual(ids);
    expect(await ledgerOf(customer.id)).toHaveLength(1);

    // Another org's ids are another namespace: the same id is that org's own new event, and the
    // answer says nothing about this org's (a 409 confirmed it existed and blocked the id).
    const other = await api.createOrg('ingest-other');
    const otherCustomer = await registerCustomer(api, other);
    const same = await api.post('/v1/events', { events: [bounce(otherCustomer.id, { id: ids[1] })] }, other);
    expect(same.status).toBe(202);
    expect(same.body).toEqual({ accepted: 1, eventIds: [ids[1]], superseded: [] });
    const owners = await api.dataSource.query('SELECT org_id, customer_id FROM events WHERE id = $1 ORDER BY seq', [ids[1]]);
    expect(owners).toEqual([
      { org_id: org.orgId, customer_id: String(customer.id) },
      { org_id: other.orgId, customer_id: String(otherCustomer.id) },
    ]);
    expect((await eventsOf(customer.id)).map((e: { id: string }) => e.id)).toEqual(ids);
  });

  it('records an opt-out for a customer already opted out as an event, and in the ledger as a repeat that changes nothing', async () => {
    const customer = await registerCustomer(api, org);
    const optOut = { type: 'PUSH_OPT_OUT', customerId: customer.id, channel: 'ANDROID' };
    await api.post('/v1/events', { events: [optOut] }, org);
    const res = await api.post('/v1/events', { events: [optOut] }, org);
    expect(res.status).toBe(202);
    const events = await eventsOf(customer.id);
    expect(events).toHaveLength(2);
    expect(events[1].payload.consent).toMatchObject({ channel: 'ANDROID', status: 'OPTOUT', previousStatus: 'OPTOUT', changed: false });
    const ledger = await ledgerOf(customer.id);
    expect(ledger.map((r: { previous_status: string | null; status: string }) => [r.previous_status, r.status])).toEqual([
      [null, 'OPTOUT'],
      ['OPTOUT', 'OPTOUT'],
    ]);
  });

  it('takes concurrent consent batches naming the same customers in opposite orders without a deadlock', async () => {
    const a = await registerCustomer(api, org);
    const b = await registerCustomer(api, org);
    const optOut = (customerId: number) => ({ type: 'SMS_OPT_OUT', customerId, channel: 'SMS' });
    const optIn = (customerId: number) => ({ type: 'SMS_OPT_IN', customerId, channel: 'SMS' });
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.post('/v1/events', { events: i % 2 ? [optOut(a.id), optIn(b.id)] : [optOut(b.id), optIn(a.id)] }, org),
      ),
    );
    expect(rounds.map((r) => r.status)).toEqual(Array(10).fill(202));
  });

  it('answers no key with the native 401 body', async () => {
    const res = await api.post('/v1/events', { events: [] });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Unauthorized' } });
  });
});
