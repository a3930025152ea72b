import { registerCustomer, runCli, TestApi, TestOrg } from '@app/testing';

/** Issue 15's numbered findings, each as it was reported. */
describe('hardening', () => {
  let api: TestApi;
  let org: TestOrg;
  let customerId: number;
  const wm = { clientid: 'client', 'request-tracking-id': 't-1' };

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('hardening');
    customerId = (await registerCustomer(api, org)).id;
  });
  afterAll(() => api.close());

  const rowCounts = async () =>
    JSON.stringify(
      await api.dataSource.query(
        'SELECT (SELECT count(*) FROM consents) c, (SELECT count(*) FROM consent_ledger) l, (SELECT count(*) FROM events) e, (SELECT count(*) FROM customers) k',
      ),
    );

  describe('1. a deeply nested body is the dialect 400 on every write route', () => {
    const nested = '{"a":'.repeat(2400) + '1' + '}'.repeat(2400);
    const deepArray = '['.repeat(2400) + ']'.repeat(2400);
    it.each([
      ['POST', '/v2/customers/ID/subscriptions', (b: any) => expect(b.errors[0].message).toMatch(/nests deeper than 32 levels/)],
      ['POST', '/v1.1/customer/subscriptions', (b: any) => expect(JSON.stringify(b)).toMatch(/nests deeper/)],
      ['POST', '/api/v1.1/subscriptions/set', (b: any) => expect(b).toMatchObject({ error: 400, error_text: expect.stringMatching(/nests deeper/) })],
      ['PUT', '/api/v1/customers/ID/communication-preferences', (b: any) => expect(b).toMatchObject({ status: 'Failure', request_tracking_id: 't-1' })],
      ['POST', '/rest/api/v1.3/notifications/callbacks', (b: any) => expect(b).toMatchObject({ type: '', errorCode: 'INVALID_PARAMETER' })],
      ['POST', '/v1/events', (b: any) => expect(b.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/nests deeper/) })],
      ['PUT', '/v1/customers/ID/consents', (b: any) => expect(b.error.code).toBe('INVALID_REQUEST')],
    ])('%s %s', async (method, path, bodyCheck) => {
      const before = await rowCounts();
      for (const payload of [nested, `{"x":${deepArray}}`]) {
        const res = await api.request({ method: method as 'POST', url: path.replace('ID', String(customerId)), body: payload, as: org, headers: wm });
        expect(res.status).toBe(400);
        bodyCheck(res.body);
      }
      expect(await rowCounts()).toBe(before);
    });
  });

  describe('2. ids are decimal integers a bigint holds, everywhere', () => {
    it('a Capillary path id beyond bigint or in hex names no customer', async () => {
      for (const id of ['99999999999999999999', '0x1']) {
        const res = await api.post(`/v2/customers/${id}/subscriptions`, { subscriptions: [{ channel: 'SMS', priority: 'BULK', type: 'OPTOUT' }] }, org);
        expect(res.status).toBe(404);
        expect(res.body.errors).toHaveLength(1);
      }
    });

    it('ingest customerId beyond bigint is a 400 naming the field', async () => {
      const res = await api.post('/v1/events', { events: [{ type: 'SMS_OPT_OUT', channel: 'SMS', customerId: 99999999999999999999 }] }, org);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'events[0].customerId', message: expect.stringMatching(/integer/) }]);
    });

    it('a Capillary campaignId that a number cannot hold exactly is refused, not rounded', async () => {
      const before = await rowCounts();
      for (const campaignId of [99999999999999999999, '99999999999999999999']) {
        const res = await api.post(
          `/v2/customers/${customerId}/subscriptions`,
          { campaignId, subscriptions: [{ channel: 'SMS', priority: 'BULK', type: 'OPTOUT' }] },
          org,
        );
        expect(res.status).toBe(400);
        expect(res.body.errors[0].message).toMatch(/Invalid campaign id/);
      }
      expect(await rowCounts()).toBe(before);
    });

    it('an Altcraft db_id that a number cannot hold exactly is refused, not rounded', async () => {
      const res = await api.post('/api/v1.1/subscriptions/set', {
        token: org.key,
        db_id: 99999999999999999999,
        resource_id: 1,
        profile_id: 'p-1',
        channel: 'email',
        email: 'a@example.com',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 400, error_text: expect.stringMatching(/db_id/) });
    });

    it('a query offset beyond bigint is a 400, not a 500 from OFFSET', async () => {
      const res = await api.get(`/v2/customers/${customerId}/subscriptionStatusChangeLog?offset=9223372036854775808`, org);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/offset/);
    });
  });

  describe("3. Fastify's own refusals use the dialect's error body", () => {
    it('a path parameter over the longest a route takes (600 characters: unsubscribe tokens)', async () => {
      const res = await api.get(`/v2/customers/${'1'.repeat(700)}/subscriptions`, org);
      expect(res.status).toBe(414);
      expect(res.body).toEqual({ errors: [{ code: 414, message: expect.any(String) }], warnings: [] });
      expect(res.text).not.toMatch(/FST_ERR/);
    });

    it('bad percent-encoding', async () => {
      const res = await api.get('/rest/api/v1.3/notifications/callbacks/%E0%A4%A', org);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: '', errorCode: 'INVALID_PARAMETER', errorDetails: [] });
      expect(res.text).not.toMatch(/FST_ERR/);
    });

    it.each([
      ['/v2/nope', (b: any) => expect(b).toEqual({ errors: [{ code: 404, message: expect.any(String) }], warnings: [] })],
      ['/api/v1.1/nope', (b: any) => expect(b).toMatchObject({ error: 404 })],
      ['/api/v1/nope', (b: any) => expect(b).toMatchObject({ status: 'Failure' })],
    ])('an unknown path under %s', async (path, bodyCheck) => {
      const res = await api.get(path, org);
      expect(res.status).toBe(404);
      bodyCheck(res.body);
    });
  });

  it('an array where an object belongs is the dialect 400', async () => {
    const res = await api.put(`/api/v1/customers/1/communication-preferences`, { preferences: [[]], audit_info: { modified_by: 'x' } }, org, wm);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'Failure', errors: [{ field: 'preferences', message: expect.stringMatching(/object/) }] });
    for (const events of [[[]], [null]]) {
      const ingest = await api.post('/v1/events', { events }, org);
      expect(ingest.status).toBe(400);
    }
  });

  describe('NUL bytes and lone surrogates are refused as they arrive', () => {
    it('in a path parameter', async () => {
      const res = await api.get('/rest/api/v1.3/notifications/callbacks/a%00b', org);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errorCode: 'INVALID_PARAMETER', detail: expect.stringMatching(/NUL/) });
    });

    it('in a body string', async () => {
      const before = await rowCounts();
      for (const reason of ['\u0000', '\ud800']) {
        const res = await api.put(`/v1/customers/${customerId}/consents`, { channel: 'SMS', status: 'OPTOUT', reason }, org);
        expect(res.status).toBe(400);
        expect(res.body.error.details[0]).toMatchObject({ field: 'reason' });
      }
      expect(await rowCounts()).toBe(before);
    });
  });

  it('9. key:revoke of something that is not a key id says so, without a Postgres error', async () => {
    const cli = await runCli(['key:revoke', 'not-a-uuid']);
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toBe('Active key not-a-uuid not found');
  });
});
