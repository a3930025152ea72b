import { JobName } from '@app/queues';
import { createCallback, eventsQueue, jobsNamed, NOTIFICATIONS, responsysError, TestApi, TestOrg } from '@app/testing';
import { Queue } from 'bullmq';

const SUBS = `${NOTIFICATIONS}/subscriptions`;
const notFound = (detail: string) => responsysError('Object not found', 'OBJECT_NOT_FOUND', detail);
const badRequest = (detail: string) => responsysError('Invalid request parameters', 'INVALID_PARAMETER', detail);

describe('Responsys event subscriptions', () => {
  let api: TestApi;
  let org: TestOrg;
  let callback: string;
  let queue: Queue;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('rsys-sub');
    callback = (await createCallback(api, org, { callBackName: 'Email_Callback', callBackUrl: 'https://hooks.example.com/a' })).name;
    queue = eventsQueue();
  });
  afterAll(async () => {
    await queue.close();
    await api.close();
  });

  /** Each test gets its own org so the one-ACTIVE-per-type rule never couples tests. */
  const freshOrg = async () => {
    const o = await api.createOrg('rsys-sub');
    await createCallback(api, o, { callBackName: 'cb', callBackUrl: 'https://hooks.example.com/cb' });
    return o;
  };

  it('creates with callBackName/eventTypes: ACTIVE and batchSize 100 by default, in the seed shape', async () => {
    const res = await api.post(SUBS, { subscriptionName: 'bounces', callBackName: callback, eventTypes: ['EMAIL_BOUNCED'] }, org);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      subscriptionName: 'bounces',
      callBackUrl: 'https://hooks.example.com/a',
      callBackName: 'Email_Callback',
      batchSize: 100,
      eventTypes: ['EMAIL_BOUNCED'],
      status: 'ACTIVE',
      filters: [],
    });
    const [row] = await api.dataSource.query('SELECT id FROM event_subscriptions WHERE org_id = $1 AND name = $2', [org.orgId, 'bounces']);
    expect(await jobsNamed(queue, JobName.SUBSCRIPTION_CHANGED)).toContainEqual({ orgId: org.orgId, subscriptionId: row.id });
  });

  it('accepts the other spelling: callbackName/eventNames (and name, and a comma-separated list)', async () => {
    const res = await api.post(SUBS, { name: 'other_spelling', callbackName: callback, eventNames: 'SMS_FAILED, SMS_SKIPPED', status: 'PAUSED' }, org);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subscriptionName: 'other_spelling', callBackName: callback, eventTypes: ['SMS_FAILED', 'SMS_SKIPPED'], status: 'PAUSED' });
    const put = await api.put(`${SUBS}/other_spelling`, { callbackName: callback, eventNames: ['SMS_FAILED'], status: 'PAUSED', statusReason: 'later' }, org);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ eventTypes: ['SMS_FAILED'], status: 'PAUSED', statusReason: 'later' });
  });

  it('updates with the seed 003 sample body and keeps filters and batchSize it does not mention', async () => {
    const o = await freshOrg();
    const filters = [{ eventTypes: ['EMAIL_BOUNCED'], values: [{ campaignNames: ['vk_campaign_failed'] }] }];
    await api.post(SUBS, { subscriptionName: 'seed', callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'], filters, batchSize: 50 }, o);
    const res = await api.put(`${SUBS}/seed`, { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED'], status: 'PAUSED' }, o);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      subscriptionName: 'seed',
      callBackUrl: 'https://hooks.example.com/cb',
      callBackName: 'cb',
      batchSize: 50,
      eventTypes: ['EMAIL_BOUNCED'],
      status: 'PAUSED',
      filters,
    });
  });

  it('gets one, lists all, lists by callback, deletes', async () => {
    const o = await freshOrg();
    await api.post(SUBS, { subscriptionName: 'b', callBackName: 'cb', eventTypes: ['SMS_FAILED'] }, o);
    await api.post(SUBS, { subscriptionName: 'a', callBackName: 'cb', eventTypes: ['EMAIL_FAILED'] }, o);
    expect((await api.get(`${SUBS}/a`, o)).body).toMatchObject({ subscriptionName: 'a', eventTypes: ['EMAIL_FAILED'] });
    const all = await api.get(SUBS, o);
    expect(all.status).toBe(200);
    expect(all.body.map((s: { subscriptionName: string }) => s.subscriptionName)).toEqual(['a', 'b']);
    const byCallback = await api.get(`${NOTIFICATIONS}/callbacks/cb/subscriptions`, o);
    expect(byCallback.body).toHaveLength(2);
    const del = await api.delete(`${SUBS}/a`, o);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ message: 'Subscription [a ] deleted successfully', status: true });
    expect((await api.get(`${SUBS}/a`, o)).body).toEqual(notFound('Subscription with name [a ] not found'));
    expect((await api.delete(`${SUBS}/a`, o)).status).toBe(404);
  });

  describe('every seed 003 failure, to the letter', () => {
    let o: TestOrg;
    beforeAll(async () => {
      o = await freshOrg();
      await api.post(SUBS, { subscriptionName: 'mine', callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED'] }, o);
      await api.post(SUBS, { subscriptionName: 'mo', callBackName: 'cb', eventTypes: ['SMS_MO_FW_FAILED'] }, o);
    });
    const put = (name: string, body: unknown) => api.put(`${SUBS}/${name}`, body, o);

    it.each([
      ['subscription not found', 'nope', { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED'], status: 'PAUSED' }, 404, notFound('Subscription with name [nope ] not found')],
      ['callback not found', 'mine', { callBackName: 'ghost', eventTypes: ['EMAIL_BOUNCED'], status: 'PAUSED' }, 404, notFound('Subscription [mine ] does not exists')],
      ['unknown event type', 'mine', { callBackName: 'cb', eventTypes: ['SMS_FAILED1'], status: 'PAUSED' }, 404, notFound('Event Type [ SMS_FAILED1 ] not found or is not supported')],
      ['no event types', 'mine', { callBackName: 'cb', eventTypes: [], status: 'PAUSED' }, 400, badRequest('Event type is empty or null')],
      ['event types missing', 'mine', { callBackName: 'cb', status: 'PAUSED' }, 400, badRequest('Event type is empty or null')],
      ['no status', 'mine', { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED'] }, 400, badRequest('Subscription status cannot be empty or null')],
      ['null status', 'mine', { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED'], status: null }, 400, badRequest('Subscription status cannot be empty or null')],
      ['invalid status', 'mine', { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED'], status: 'STOPPED' }, 400, badRequest('Subscription status can only be ACTIVE or PAUSED')],
      ['duplicate event types', 'mine', { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED', 'EMAIL_BOUNCED'], status: 'ACTIVE' }, 400, badRequest('Duplicate event types found in the request')],
      ['event type in another ACTIVE subscription', 'mine', { callBackName: 'cb', eventTypes: ['EMAIL_BOUNCED', 'SMS_MO_FW_FAILED'], status: 'ACTIVE' }, 400, badRequest("There's an active subscription for event [ SMS_MO_FW_FAILED ] with other subscriptions")],
    ])('%s', async (_case, name, body, status, error) => {
      const res = await put(name, body);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(error);
    });

    it('answers the same on create', async () => {
      const create = (body: object) => api.post(SUBS, { subscriptionName: 'new_one', callBackName: 'cb', ...body }, o);
      expect((await create({ callBackName: 'ghost', eventTypes: ['SMS_FAILED'] })).body).toEqual(notFound('Subscription [new_one ] does not exists'));
      expect((await create({ eventTypes: ['SMS_FAILED1'] })).body).toEqual(notFound('Event Type [ SMS_FAILED1 ] not found or is not supported'));
      expect((await create({ eventTypes: [] })).body).toEqual(badRequest('Event type is empty or null'));
      expect((await create({ eventTypes: ['SMS_FAILED'], status: 'active' })).body).toEqual(badRequest('Subscription status can only be ACTIVE or PAUSED'));
      expect((await create({ eventTypes: ['SMS_FAILED', 'SMS_FAILED'] })).body).toEqual(badRequest('Duplicate event types found in the request'));
      expect((await create({ eventTypes: ['SMS_MO_FW_FAILED'] })).body).toEqual(
        badRequest("There's an active subscription for event [ SMS_MO_FW_FAILED ] with other subscriptions"),
      );
      expect((await api.get(`${SUBS}/new_one`, o)).status).toBe(404);
    });
  });

  it('lets exactly one of 10 concurrent creates hold an event type ACTIVE', async () => {
    const o = await freshOrg();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.post(SUBS, { subscriptionName: `race_${i}`, callBackName: 'cb', eventTypes: ['PUSH_FAILED'] }, o)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.body).toEqual(badRequest("There's an active subscription for event [ PUSH_FAILED ] with other subscriptions"));
    }
    const [{ n }] = await api.dataSource.query(
      `SELECT count(*)::int AS n FROM event_subscriptions WHERE org_id = $1 AND status = 'ACTIVE' AND 'PUSH_FAILED' = ANY(event_types)`,
      [o.orgId],
    );
    expect(n).toBe(1);
  });

  it('checks the rule on resume, lets exactly one of 10 concurrent resumes win, and tells the worker', async () => {
    const o = await freshOrg();
    for (let i = 0; i < 10; i++) {
      const res = await api.post(SUBS, { subscriptionName: `held_${i}`, callBackName: 'cb', eventTypes: ['EMAIL_SKIPPED'], status: 'PAUSED' }, o);
      expect(res.status).toBe(201);
    }
    const resume = (i: number) => api.put(`${SUBS}/held_${i}`, { callBackName: 'cb', eventTypes: ['EMAIL_SKIPPED'], status: 'ACTIVE' }, o);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => resume(i)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(9);

    const winner = results.findIndex((r) => r.status === 200);
    const [row] = await api.dataSource.query('SELECT id FROM event_subscriptions WHERE org_id = $1 AND name = $2', [o.orgId, `held_${winner}`]);
    expect(await jobsNamed(queue, JobName.SUBSCRIPTION_CHANGED)).toContainEqual({ orgId: o.orgId, subscriptionId: row.id, resumed: true });

    // Pausing the winner frees the type for another.
    const other = (winner + 1) % 10;
    expect((await resume(other)).status).toBe(400);
    await api.put(`${SUBS}/held_${winner}`, { callBackName: 'cb', eventTypes: ['EMAIL_SKIPPED'], status: 'PAUSED', statusReason: 'maintenance' }, o);
    expect((await resume(other)).status).toBe(200);
  });

  describe('filters', () => {
    let o: TestOrg;
    beforeAll(async () => {
      o = await freshOrg();
    });
    const create = (name: string, filters: unknown, eventTypes = ['EMAIL_FAILED', 'EMAIL_SKIPPED']) =>
      api.post(SUBS, { subscriptionName: name, callBackName: 'cb', eventTypes, status: 'PAUSED', filters }, o);

    it('stores and answers valid filters', async () => {
      const filters = [
        { eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['vk_campaign_failed'] }] },
        { eventTypes: ['EMAIL_SKIPPED'], values: [{ campaignNames: ['vk_campaign_skip', 'other'] }] },
      ];
      const res = await create('filtered', filters);
      expect(res.status).toBe(201);
      expect(res.body.filters).toEqual(filters);
      expect((await api.get(`${SUBS}/filtered`, o)).body.filters).toEqual(filters);
    });

    it.each([
      ['a type the subscription does not have', [{ eventTypes: ['SMS_FAILED'], values: [{ campaignNames: ['x'] }] }], 'not one of'],
      ['no event types', [{ eventTypes: [], values: [{ campaignNames: ['x'] }] }], 'eventTypes is empty'],
      ['no values', [{ eventTypes: ['EMAIL_FAILED'], values: [] }], 'values is empty'],
      ['no campaign names', [{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: [] }] }], 'campaignNames is empty'],
      ['a type in two filters', [{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['x'] }] }, { eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['y'] }] }], 'more than one filter'],
      ['an unknown field', [{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['x'], campaignIds: [1] }] }], 'campaignIds'],
    ])('refuses %s', async (_case, filters, text) => {
      const res = await create('bad_filter', filters);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: '', title: 'Invalid request parameters', errorCode: 'INVALID_PARAMETER' });
      expect(res.body.detail).toContain(text);
      expect((await api.get(`${SUBS}/bad_filter`, o)).status).toBe(404);
    });

    it('keeps stored filters on an update that sends none, as the seed 003 sample shows', async () => {
      const res = await api.put(`${SUBS}/filtered`, { callBackName: 'cb', eventTypes: ['EMAIL_FAILED'], status: 'PAUSED' }, o);
      expect(res.status).toBe(200);
      expect(res.body.eventTypes).toEqual(['EMAIL_FAILED']);
      expect(JSON.stringify(res.body.filters)).toContain('EMAIL_SKIPPED');
      const sent = await api.put(
        `${SUBS}/filtered`,
        { callBackName: 'cb', eventTypes: ['EMAIL_FAILED'], status: 'PAUSED', filters: [{ eventTypes: ['EMAIL_SKIPPED'], values: [{ campaignNames: ['x'] }] }] },
        o,
      );
      expect(sent.status).toBe(400);
      expect(sent.body.detail).toContain('EMAIL_SKIPPED');
    });
  });

  it.each([0, 201, 1.5, '10'])('refuses batchSize %p', async (batchSize) => {
    const res = await api.post(SUBS, { subscriptionName: 'sized', callBackName: callback, eventTypes: ['EMAIL_COMPLAINT'], status: 'PAUSED', batchSize }, org);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('INVALID_PARAMETER');
  });

  it('accepts back, on PUT, the body a GET returned (get, modify, put)', async () => {
    const o = await freshOrg();
    await api.post(SUBS, { subscriptionName: 'roundtrip', callBackName: 'cb', eventTypes: ['EMAIL_CLICKED'], status: 'PAUSED' }, o);
    const got = await api.get(`${SUBS}/roundtrip`, o);
    const put = await api.put(`${SUBS}/roundtrip`, { ...got.body, statusReason: 'edited' }, o);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ subscriptionName: 'roundtrip', status: 'PAUSED', statusReason: 'edited', callBackUrl: got.body.callBackUrl });
  });

  it('refuses a second subscription of the same name, a name mismatch, and unknown fields', async () => {
    const o = await freshOrg();
    const body = { subscriptionName: 'dup', callBackName: 'cb', eventTypes: ['EMAIL_CLICKED'], status: 'PAUSED' };
    expect((await api.post(SUBS, body, o)).status).toBe(201);
    const again = await api.post(SUBS, body, o);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(responsysError('Object already exists', 'OBJECT_ALREADY_EXISTS', 'Subscription with same name [dup ] already exists'));
    expect((await api.put(`${SUBS}/dup`, { ...body, subscriptionName: 'other' }, o)).status).toBe(400);
    const unknown = await api.post(SUBS, { ...body, subscriptionName: 'x', colour: 'red' }, o);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ title: 'Invalid request parameters', errorCode: 'INVALID_PARAMETER' });
    expect(unknown.body.errorDetails).toEqual([{ field: 'colour', detail: 'property colour should not exist' }]);
  });

  it("answers another org's subscription with 404, and no key with a Responsys 401", async () => {
    const other = await api.createOrg('rsys-other');
    expect((await api.get(`${SUBS}/bounces`, other)).body).toEqual(notFound('Subscription with name [bounces ] not found'));
    expect((await api.delete(`${SUBS}/bounces`, other)).status).toBe(404);
    const anonymous = await api.get(SUBS);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual(responsysError('Unauthorized', 'UNAUTHORIZED', 'Unauthorized'));
  });

  it('answers a body that is not JSON, and an unknown path, in the Responsys body too', async () => {
    const badJson = await api.post(SUBS, '{"subscriptionName": ', org);
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ type: '', title: 'Invalid request parameters', errorCode: 'INVALID_PARAMETER', errorDetails: [] });
    const unknownPath = await api.get(`${NOTIFICATIONS}/nothing/here`, org);
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.body).toMatchObject({ type: '', title: 'Object not found', errorCode: 'OBJECT_NOT_FOUND' });
  });

  it('lists every event type with its channel and description', async () => {
    const res = await api.get(`${NOTIFICATIONS}/eventList`, org);
    expect(res.status).toBe(200);
    const types = res.body.map((e: { eventType: string }) => e.eventType);
    const responsys = 'EMAIL_BOUNCED EMAIL_FAILED EMAIL_SKIPPED EMAIL_CLICKED EMAIL_OPTOUT EMAIL_OPTIN EMAIL_COMPLAINT SMS_FAILED SMS_SKIPPED SMS_MO_FW_FAILED SMS_OPT_IN SMS_OPT_OUT SMS_RECEIPT MMS_SKIPPED MMS_FAILED PUSH_SKIPPED PUSH_FAILED PUSH_BOUNCED PUSH_OPT_IN PUSH_OPT_OUT WEBPUSH_FAILED WEBPUSH_SKIPPED WEBPUSH_BOUNCED WEBPUSH_CLOSED WEBPUSH_OPTIN WEBPUSH_OPTOUT';
    expect(types).toEqual(expect.arrayContaining([...responsys.split(' '), 'WHATSAPP_OPT_OUT', 'TELEGRAM_FAILED']));
    expect(res.body).toContainEqual({ eventType: 'SMS_OPT_OUT', channel: 'SMS', description: 'A customer opted out of SMS.' });
    for (const e of res.body) expect(e.description).toBeTruthy();
  });
});
