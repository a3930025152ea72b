import { TestApi, TestOrg } from '@app/testing';

/** A body Fastify cannot parse never reaches a controller; it must still get the dialect's error body. */
describe('unparseable bodies answer in each dialect', () => {
  let api: TestApi;
  let org: TestOrg;
  const broken = '{"subscriptions": [';

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('malformed');
  });
  afterAll(() => api.close());

  it('Capillary', async () => {
    const res = await api.post('/v2/customers/1/subscriptions', broken, org);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ code: 400, message: expect.any(String) }], warnings: [] });
  });

  it('Responsys', async () => {
    const res = await api.post('/rest/api/v1.3/notifications/subscriptions', broken, org);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: '', errorCode: expect.any(String), errorDetails: [] });
  });

  it('Responsys, for a body too large or of a type no parser reads: a readable title, the code in errorCode', async () => {
    const tooLarge = await api.post('/rest/api/v1.3/notifications/callbacks', 'x'.repeat(6 * 1024 * 1024), org);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ title: 'Payload too large', errorCode: 'PAYLOAD_TOO_LARGE' });
    const unsupported = await api.post('/rest/api/v1.3/notifications/callbacks', '<a/>', org, { 'content-type': 'application/xml' });
    expect(unsupported.status).toBe(415);
    expect(unsupported.body).toMatchObject({ title: 'Unsupported media type', errorCode: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('Altcraft', async () => {
    const res = await api.post('/api/v1.1/subscriptions/set', broken, org);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 400, error_text: expect.any(String) });
  });

  it('WM', async () => {
    const res = await api.put('/api/v1/customers/1/communication-preferences', broken, org, {
      'request-tracking-id': 't-1',
      clientid: 'client',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'Failure', request_tracking_id: 't-1' });
  });

  it('native', async () => {
    const res = await api.post('/v1/events', broken, org);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });
});
