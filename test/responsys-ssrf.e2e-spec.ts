import { createCallback, NOTIFICATIONS, TestApi, TestOrg, WebhookReceiver } from '@app/testing';

const CALLBACKS = `${NOTIFICATIONS}/callbacks`;

/** Starts the API with ALLOW_PRIVATE_CALLBACK_URLS as given (the config is read at app creation). */
async function startWith(allowPrivate: boolean): Promise<TestApi> {
  const previous = process.env.ALLOW_PRIVATE_CALLBACK_URLS;
  process.env.ALLOW_PRIVATE_CALLBACK_URLS = String(allowPrivate);
  try {
    return await TestApi.start();
  } finally {
    process.env.ALLOW_PRIVATE_CALLBACK_URLS = previous;
  }
}

describe('callback URLs with ALLOW_PRIVATE_CALLBACK_URLS=false (SSRF guard)', () => {
  let guarded: TestApi;
  let open: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    guarded = await startWith(false);
    open = await startWith(true);
    org = await guarded.createOrg('ssrf');
  });
  afterAll(async () => {
    await guarded.close();
    await open.close();
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['a 10.x private address', 'http://10.1.2.3/hook', '10.1.2.3'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['a name that resolves to loopback', 'http://localhost:8080/hook', ''],
    ['IPv6 loopback', 'http://[::1]/hook', '::1'],
    ['IPv4-mapped loopback in hex', 'http://[::ffff:7f00:1]/hook', '::ffff:7f00:1'],
    ['local-use NAT64', 'http://[64:ff9b:1::a00:1]/hook', '64:ff9b:1::a00:1'],
  ])('refuses %s at creation, as callBackUrl and as backupUrl', async (_case, url) => {
    for (const body of [{ callBackUrl: url }, { callBackUrl: 'https://93.184.216.34/hook', backupUrl: url }]) {
      const res = await guarded.post(CALLBACKS, { callBackName: 'internal', ...body }, org);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: '', title: 'Invalid request parameters', errorCode: 'INVALID_PARAMETER', errorDetails: [] });
      // Only that it is not allowed: naming the resolved address would resolve internal names for a tenant.
      expect(res.body.detail).toMatch(/^(Callback|Backup) URL: The address is not allowed$/);
    }
    const put = await guarded.put(`${CALLBACKS}/internal`, { callBackUrl: url }, org);
    expect(put.status).toBe(400);
    expect((await guarded.get(`${CALLBACKS}/internal`, org)).status).toBe(404);
  });

  it('accepts a public address', async () => {
    const res = await guarded.post(CALLBACKS, { callBackName: 'public', callBackUrl: 'https://93.184.216.34/hook' }, org);
    expect(res.status).toBe(201);
  });

  it('checks again before each request: a callback that points inside is refused when sent', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      // Created while private URLs were allowed (or before a DNS change): the send is still refused.
      const byName = receiver.url.replace('127.0.0.1', 'localhost');
      await createCallback(open, org, { callBackName: 'inside_ip', callBackUrl: receiver.url });
      await createCallback(open, org, { callBackName: 'inside_name', callBackUrl: byName });
      for (const name of ['inside_ip', 'inside_name']) {
        const res = await guarded.get(`${CALLBACKS}/${name}/actions/verify`, org);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ success: false, statusCode: null, error: expect.stringMatching(/address is not allowed/) });
      }
      expect(receiver.received).toHaveLength(0);
      // The same callbacks are reachable where private URLs are allowed.
      expect((await open.get(`${CALLBACKS}/inside_ip/actions/verify`, org)).body.success).toBe(true);
    } finally {
      await receiver.stop();
    }
  });
});
