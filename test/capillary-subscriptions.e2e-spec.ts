import { Channel, ConsentsService, ConsentStatus } from '@app/domain';
import { EventPublisher } from '@app/queues';
import { eventsQueue, registerCustomer, TestApi, TestOrg } from '@app/testing';
import { Queue } from 'bullmq';

/** The seed 000 sample, verbatim: its last item says "TANS". */
const SEED_000 = {
  communicationId: -1,
  campaignId: -1,
  reason: 'This is V2 subscription api',
  scope: { scope: 'USER', subScope: 'NONE' },
  subscriptions: [
    { channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT', orgUnitId: 200031782, sourceName: 'FACEBOOK', accountId: '01' },
    { channel: 'MOBILE', accountId: '01', priority: 'BULK', type: 'OPTIN', orgUnitId: 200031782, sourceName: 'FACEBOOK' },
    { channel: 'EMAIL', accountId: '01', priority: 'TRANS', type: 'OPTIN', orgUnitId: 200031782, sourceName: 'FACEBOOK' },
    { channel: 'MOBILE', accountId: '01', priority: 'TANS', type: 'OPTOUT', orgUnitId: 200031782, sourceName: 'FACEBOOK' },
  ],
};

const corrected = () => {
  const body = structuredClone(SEED_000);
  body.subscriptions[3].priority = 'TRANS';
  return body;
};

describe('Capillary v2 subscriptions, ledger and outbox', () => {
  let api: TestApi;
  let org: TestOrg;
  let events: Queue;

  const count = async (table: string, customerId: number) =>
    (await api.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE customer_id = $1`, [customerId]))[0].n as number;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('cap-sub');
    events = eventsQueue();
  });
  afterAll(async () => {
    await events.close();
    await api.close();
  });

  it('rejects the seed 000 sample whole, naming item 3 with code 1102, and writes nothing', async () => {
    const customer = await registerCustomer(api, org);
    const res = await api.post(`/v2/customers/${customer.id}/subscriptions`, SEED_000, org);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ code: 1102, message: 'Invalid priority TANS (subscriptions[3].priority)' }],
      warnings: [],
    });
    expect(await count('consents', customer.id)).toBe(0);
    expect(await count('consent_ledger', customer.id)).toBe(0);
    expect(await count('events', customer.id)).toBe(0);
  });

  it('applies the corrected sample: MOBILE answered as SMS, unchanged items as warnings', async () => {
    const customer = await registerCustomer(api, org);
    const res = await api.post(`/v2/customers/${customer.id}/subscriptions`, corrected(), org, { 'user-agent': 'capillary-test/1.0' });
    expect(res.status).toBe(200);
    // Items 1 and 2 ask for OPTIN, which a registered customer already has: warnings, not changes.
    expect(res.body).toMatchObject({
      scope: { scope: 'USER', subScope: 'NONE', setScope: true },
      subscriptions: [
        { channel: 'EMAIL', accountId: '01', priority: 'BULK', type: 'OPTOUT' },
        { channel: 'SMS', accountId: '01', priority: 'TRANS', type: 'OPTOUT' },
      ],
      campaignId: -1,
      communicationId: -1,
      reason: 'This is V2 subscription api',
    });
    expect(res.body.warnings).toHaveLength(2);
    expect(res.body.warnings[0]).toMatchObject({ code: 1108, message: expect.stringContaining('subscriptions[1]') });

    const state = await api.get(`/v2/customers/${customer.id}/subscriptions`, org);
    expect(state.body.subscriptions).toEqual(
      expect.arrayContaining([
        { channel: 'EMAIL', accountId: '01', priority: 'BULK', type: 'OPTOUT' },
        { channel: 'SMS', accountId: '01', priority: 'TRANS', type: 'OPTOUT' },
        { channel: 'EMAIL', accountId: '', priority: 'BULK', type: 'OPTIN' },
      ]),
    );

    const ledger = await api.dataSource.query(
      'SELECT * FROM consent_ledger WHERE customer_id = $1 ORDER BY id',
      [customer.id],
    );
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({
      channel: 'EMAIL',
      topic: 'BULK',
      account_id: '01',
      previous_status: null,
      status: 'OPTOUT',
      dialect: 'capillary-v2',
      source_name: 'FACEBOOK',
      api_key_id: org.keyId,
      reason: 'This is V2 subscription api',
      campaign_id: '-1',
      communication_id: '-1',
      org_unit_id: '200031782',
      user_agent: 'capillary-test/1.0',
    });
    expect(ledger[0].request_id).toBeTruthy();
    expect(ledger[0].ip).toBeTruthy();

    const outbox = await api.dataSource.query('SELECT * FROM events WHERE customer_id = $1 ORDER BY seq', [customer.id]);
    expect(outbox.map((e: { type: string }) => e.type)).toEqual(['EMAIL_OPTOUT', 'SMS_OPT_OUT']);
    expect(outbox.map((e: { id: string }) => e.id)).toEqual(ledger.map((l: { event_id: string }) => l.event_id));
    expect(outbox[1].payload.consent).toMatchObject({ channel: 'SMS', topic: 'TRANS', status: 'OPTOUT', previousStatus: 'OPTIN' });

    // The API published the new event ids to the `events` queue after commit.
    // Ids go out in one job per event-loop turn, right after the answer: wait for that hand-off.
    await api.app.get(EventPublisher).flush();
    const jobs = await events.getJobs(['waiting', 'delayed', 'active', 'completed', 'prioritized']);
    const published = jobs.flatMap((j) => (j.data as { eventIds?: string[] }).eventIds ?? []);
    expect(published).toEqual(expect.arrayContaining(outbox.map((e: { id: string }) => e.id)));
  });

  it('emits no event for an unchanged item; a repeated opt-out is kept in the ledger for its time, a repeated opt-in is not', async () => {
    const customer = await registerCustomer(api, org);
    const optout = { subscriptions: [{ channel: 'SMS', priority: 'BULK', type: 'OPTOUT' }] };
    await api.post(`/v2/customers/${customer.id}/subscriptions`, optout, org);
    const again = await api.post(`/v2/customers/${customer.id}/subscriptions`, optout, org);
    expect(again.status).toBe(200);
    expect(again.body.subscriptions).toEqual([]);
    expect(again.body.warnings).toHaveLength(1);
    const ledger = await api.dataSource.query('SELECT previous_status, status FROM consent_ledger WHERE customer_id = $1 ORDER BY id', [customer.id]);
    expect(ledger).toEqual([
      { previous_status: null, status: 'OPTOUT' },
      { previous_status: 'OPTOUT', status: 'OPTOUT' },
    ]);
    expect(await count('events', customer.id)).toBe(1);

    const optin = { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTIN' }] };
    await api.post(`/v2/customers/${customer.id}/subscriptions`, optin, org);
    expect((await api.post(`/v2/customers/${customer.id}/subscriptions`, optin, org)).body.warnings).toHaveLength(1);
    expect(await count('consent_ledger', customer.id)).toBe(2);
  });

  it.each([
    ['channel', { channel: 'FAX', priority: 'BULK', type: 'OPTOUT' }, 1101],
    ['type', { channel: 'SMS', priority: 'BULK', type: 'MAYBE' }, 1106],
  ])('refuses an invalid %s with its code', async (_field, item, code) => {
    const customer = await registerCustomer(api, org);
    const res = await api.post(`/v2/customers/${customer.id}/subscriptions`, { subscriptions: [item] }, org);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe(code);
  });

  it('refuses an invalid scope (1103) and campaign id (1107) and unknown fields', async () => {
    const customer = await registerCustomer(api, org);
    const item = { channel: 'SMS', priority: 'BULK', type: 'OPTOUT' };
    const scope = await api.post(`/v2/customers/${customer.id}/subscriptions`, { scope: { scope: 'WORLD' }, subscriptions: [item] }, org);
    expect(scope.body.errors[0].code).toBe(1103);
    const campaign = await api.post(`/v2/customers/${customer.id}/subscriptions`, { campaignId: 'abc', subscriptions: [item] }, org);
    expect(campaign.body.errors[0].code).toBe(1107);
    const unknown = await api.post(`/v2/customers/${customer.id}/subscriptions`, { subscriptions: [{ ...item, colour: 'red' }] }, org);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toContain('colour');
    expect(await count('consent_ledger', customer.id)).toBe(0);
  });

  it('finds subscriptions through lookup/subscriptions', async () => {
    const customer = await registerCustomer(api, org);
    await api.post(`/v2/customers/${customer.id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'TRANS', type: 'OPTOUT' }] }, org);
    const res = await api.get(`/v2/customers/lookup/subscriptions?source=INSTORE&identifierName=email&identifierValue=${customer.email}`, org);
    expect(res.status).toBe(200);
    expect(res.body.subscriptions).toContainEqual({ channel: 'EMAIL', accountId: '', priority: 'TRANS', type: 'OPTOUT' });
  });

  it('lists the change log newest first, paginated', async () => {
    const customer = await registerCustomer(api, org);
    const url = `/v2/customers/${customer.id}/subscriptions`;
    for (const type of ['OPTOUT', 'OPTIN', 'OPTOUT']) {
      await api.post(url, { reason: `to ${type}`, subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type }] }, org);
    }
    const page1 = await api.get(`/v2/customers/${customer.id}/subscriptionStatusChangeLog?limit=2&offset=0`, org);
    expect(page1.status).toBe(200);
    expect(page1.body.pagination).toEqual({ limit: 2, offset: 0, total: 3 });
    expect(page1.body.data.map((d: { status: string }) => d.status)).toEqual(['OPTOUT', 'OPTIN']);
    expect(page1.body.data[0]).toMatchObject({ commChannelType: 'EMAIL', priority: 'BULK', reason: 'to OPTOUT', previousStatus: 'OPTIN' });
    const page2 = await api.get(`/v2/customers/${customer.id}/subscriptionStatusChangeLog?limit=2&offset=2`, org);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.data[0].status).toBe('OPTOUT');
  });

  it('keeps state and ledger consistent under 20 concurrent conflicting requests', async () => {
    const customer = await registerCustomer(api, org);
    const url = `/v2/customers/${customer.id}/subscriptions`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.post(url, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: i % 2 ? 'OPTIN' : 'OPTOUT' }] }, org),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const ledger = await api.dataSource.query(
      "SELECT previous_status, status FROM consent_ledger WHERE customer_id = $1 AND channel = 'EMAIL' ORDER BY id",
      [customer.id],
    );
    // Each ledger row starts where the previous one ended: no change was lost or applied twice.
    // A row that repeats the state is a repeated opt-out, recorded for its time: not a change.
    let state = 'OPTIN';
    let changes = 0;
    for (const row of ledger) {
      expect(row.previous_status ?? 'OPTIN').toBe(state);
      if (row.status === state) expect(row.status).toBe('OPTOUT');
      else changes++;
      state = row.status;
    }
    const [record] = await api.dataSource.query("SELECT status FROM consents WHERE customer_id = $1 AND channel = 'EMAIL'", [customer.id]);
    expect(record.status).toBe(state);
    const applied = results.reduce((n, r) => n + r.body.subscriptions.length, 0);
    expect(applied).toBe(changes);
    expect(await count('events', customer.id)).toBe(changes);
  });

  it('does not answer "unchanged" while another write to the customer is about to commit', async () => {
    const customer = await registerCustomer(api, org);
    const url = `/v2/customers/${customer.id}/subscriptions`;
    const optOut = { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] };
    await api.post(url, optOut, org);
    // Another dialect's write holds the customer's lock and has written OPTIN, not yet committed.
    const runner = api.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const actor = { orgId: org.orgId, apiKeyId: org.keyId, dialect: 'native' as const };
    await api.app.get(ConsentsService).applyInTransaction(runner.manager, actor, {
      customerId: customer.id,
      changes: [{ channel: Channel.EMAIL, topic: 'BULK', accountId: '', address: '', status: ConsentStatus.OPTIN }],
    });
    const pending = api.post(url, optOut, org);
    await new Promise((r) => setTimeout(r, 300));
    await runner.commitTransaction();
    await runner.release();
    const res = await pending;
    // The opt-out came second, so it wins: it is applied on top of the committed opt-in.
    expect(res.body.subscriptions).toEqual([{ channel: 'EMAIL', accountId: '', priority: 'BULK', type: 'OPTOUT' }]);
    const [record] = await api.dataSource.query("SELECT status FROM consents WHERE customer_id = $1 AND channel = 'EMAIL'", [customer.id]);
    expect(record.status).toBe('OPTOUT');
  });

  it('refuses to rewrite the ledger, even from SQL', async () => {
    await expect(api.dataSource.query('UPDATE consent_ledger SET reason = $1', ['rewritten'])).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query('DELETE FROM consent_ledger')).rejects.toThrow(/append-only/);
  });
});
