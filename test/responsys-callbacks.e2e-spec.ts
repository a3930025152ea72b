import { JobName } from '@app/queues';
import { createCallback, eventsQueue, jobsNamed, NOTIFICATIONS, responsysError, TestApi, TestOrg, WebhookReceiver } from '@app/testing';
import { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';

const CALLBACKS = `${NOTIFICATIONS}/callbacks`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Responsys callbacks', () => {
  let api: TestApi;
  let org: TestOrg;
  let queue: Queue;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('rsys-cb');
    queue = eventsQueue();
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    await queue.close();
    await api.close();
  });

  it('creates a callback and shows its signing secret once, never the password', async () => {
    const res = await api.post(
      CALLBACKS,
      {
        callBackName: 'Email_Callback',
        callBackUrl: 'https://hooks.example.com/primary',
        backupUrl: 'https://hooks.example.com/backup',
        authentication: { type: 'B', userName: 'john_doe', password: 'Oracle1234' },
      },
      org,
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      callBackName: 'Email_Callback',
      callBackUrl: 'https://hooks.example.com/primary',
      backupUrl: 'https://hooks.example.com/backup',
      authentication: { type: 'B', userName: 'john_doe' },
      signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{40,}$/),
    });
    expect(res.text).not.toContain('Oracle1234');

    const got = await api.get(`${CALLBACKS}/Email_Callback`, org);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      callBackName: 'Email_Callback',
      callBackUrl: 'https://hooks.example.com/primary',
      backupUrl: 'https://hooks.example.com/backup',
      authentication: { type: 'B', userName: 'john_doe' },
    });
    expect((await api.get(CALLBACKS, org)).body).toContainEqual(got.body);
    expect(await jobsNamed(queue, JobName.SUBSCRIPTION_CHANGED)).toContainEqual({ orgId: org.orgId });
  });

  it("accepts Oracle's spelling: name, url and authentication.data", async () => {
    const res = await api.post(
      CALLBACKS,
      { name: 'oracle_style', url: 'https://hooks.example.com/o', batchSize: 100, authentication: { type: 'B', data: { userName: 'u', password: 'p' } } },
      org,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ callBackName: 'oracle_style', callBackUrl: 'https://hooks.example.com/o', authentication: { type: 'B', userName: 'u' } });
  });

  it.each([
    ['a non-http scheme', { callBackUrl: 'ftp://hooks.example.com/x' }, 'Only http and https'],
    ['credentials in the URL', { callBackUrl: 'https://user:pw@hooks.example.com/x' }, 'Credentials in the URL'],
    ['no URL', {}, 'Callback URL: none given'],
    ['a bad backup URL', { callBackUrl: 'https://hooks.example.com/x', backupUrl: 'gopher://x' }, 'Backup URL'],
    ['an authentication type other than B', { callBackUrl: 'https://hooks.example.com/x', authentication: { type: 'O', userName: 'u', password: 'p' } }, 'type can only be B'],
    ['authentication without a password', { callBackUrl: 'https://hooks.example.com/x', authentication: { type: 'B', userName: 'u' } }, 'userName and a password'],
    ['a name that cannot sit in a path', { callBackName: 'a b/c', callBackUrl: 'https://hooks.example.com/x' }, 'letters, digits'],
  ])('refuses %s', async (_case, body, text) => {
    const res = await api.post(CALLBACKS, { callBackName: 'refused', ...body }, org);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: '', title: 'Invalid request parameters', errorCode: 'INVALID_PARAMETER' });
    expect(res.body.detail).toContain(text);
    expect((await api.get(`${CALLBACKS}/refused`, org)).status).toBe(404);
  });

  it('refuses a second callback of the same name with 409', async () => {
    await createCallback(api, org, { callBackName: 'twice' });
    const res = await api.post(CALLBACKS, { callBackName: 'twice', callBackUrl: 'https://hooks.example.com/x' }, org);
    expect(res.status).toBe(409);
    expect(res.body).toEqual(responsysError('Object already exists', 'OBJECT_ALREADY_EXISTS', 'CallBack with name [twice ] already exists'));
  });

  it('updates URLs and authentication, keeping the name and secret', async () => {
    await createCallback(api, org, { callBackName: 'upd', authentication: { type: 'B', userName: 'a', password: 'b' } });
    const [before] = await api.dataSource.query('SELECT signing_secret FROM callbacks WHERE org_id = $1 AND name = $2', [org.orgId, 'upd']);
    const res = await api.put(`${CALLBACKS}/upd`, { callBackName: 'upd', callBackUrl: 'https://hooks.example.com/new' }, org);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ callBackName: 'upd', callBackUrl: 'https://hooks.example.com/new' });
    const [after] = await api.dataSource.query('SELECT signing_secret, auth_user FROM callbacks WHERE org_id = $1 AND name = $2', [org.orgId, 'upd']);
    expect(after).toEqual({ signing_secret: before.signing_secret, auth_user: null });
    expect((await api.put(`${CALLBACKS}/upd`, { callBackName: 'other', callBackUrl: 'https://hooks.example.com/new' }, org)).status).toBe(400);
    const missing = await api.put(`${CALLBACKS}/ghost`, { callBackUrl: 'https://hooks.example.com/new' }, org);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(responsysError('Object not found', 'OBJECT_NOT_FOUND', 'CallBack [ghost] not found'));
  });

  it('refuses to delete a callback a subscription uses (400), then deletes it', async () => {
    await createCallback(api, org, { callBackName: 'used' });
    await api.post(`${NOTIFICATIONS}/subscriptions`, { subscriptionName: 'user', callBackName: 'used', eventTypes: ['SMS_RECEIPT'], status: 'PAUSED' }, org);
    const refused = await api.delete(`${CALLBACKS}/used`, org);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(
      responsysError('Invalid request parameters', 'INVALID_PARAMETER', 'CallBack [used ] is used by subscriptions [user ]; delete them first'),
    );
    const subs = await api.get(`${CALLBACKS}/used/subscriptions`, org);
    expect(subs.body.map((s: { subscriptionName: string }) => s.subscriptionName)).toEqual(['user']);
    expect((await api.delete(`${NOTIFICATIONS}/subscriptions/user`, org)).status).toBe(200);
    const deleted = await api.delete(`${CALLBACKS}/used`, org);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ message: 'CallBack [used ] deleted successfully', status: true });
    expect((await api.get(`${CALLBACKS}/used`, org)).status).toBe(404);
    expect((await api.get(`${CALLBACKS}/used/subscriptions`, org)).body.detail).toBe('CallBack [used] not found');
  });

  it('verifies: a signed test POST with Basic auth, checked with the standardwebhooks package', async () => {
    const { signingSecret } = await createCallback(api, org, {
      callBackName: 'verified',
      callBackUrl: receiver.url,
      authentication: { type: 'B', userName: 'hook', password: 's3cret' },
    });
    receiver.received.length = 0;
    for (const url of [`${CALLBACKS}/verified/actions/verify`, `${CALLBACKS}/verified?action=verify`]) {
      const res = await api.get(url, org);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        callBackName: 'verified',
        callBackUrl: receiver.url,
        success: true,
        statusCode: 200,
        durationMs: expect.any(Number),
        error: null,
      });
    }
    expect(receiver.received).toHaveLength(2);
    for (const request of receiver.received) {
      expect(request.headers.authorization).toBe(basic('hook', 's3cret'));
      const payload = new Webhook(signingSecret).verify(request.raw, request.headers as Record<string, string>);
      expect(payload).toMatchObject({ type: 'optline.callback.verify', callBackName: 'verified', events: [] });
    }
  });

  it('reports what the receiver answered, and a connection failure, without failing itself', async () => {
    await createCallback(api, org, { callBackName: 'failing', callBackUrl: receiver.url, backupUrl: 'http://127.0.0.1:9/closed' });
    receiver.reply = () => ({ status: 503 });
    try {
      const res = await api.get(`${CALLBACKS}/failing/actions/verify`, org);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: false, statusCode: 503, error: null });
      expect(res.body.backup).toMatchObject({ url: 'http://127.0.0.1:9/closed', success: false, statusCode: null, error: expect.any(String) });
    } finally {
      receiver.reply = () => ({ status: 200 });
    }
    expect((await api.get(`${CALLBACKS}/failing?action=explode`, org)).body.detail).toBe('Unsupported action [explode ]');
  });

  it('rotates the secret: both the new and the old secret verify for 24 hours', async () => {
    const { signingSecret: oldSecret } = await createCallback(api, org, { callBackName: 'rotating', callBackUrl: receiver.url });
    const rotated = await api.post(`${CALLBACKS}/rotating/actions/rotateSecret`, {}, org);
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.signingSecret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const expiresIn = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
    expect((await api.get(`${CALLBACKS}/rotating`, org)).body.signingSecret).toBeUndefined();

    receiver.received.length = 0;
    expect((await api.get(`${CALLBACKS}/rotating/actions/verify`, org)).body.success).toBe(true);
    const [request] = receiver.received;
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(request.raw, headers)).toBeTruthy();
    expect(new Webhook(oldSecret).verify(request.raw, headers)).toBeTruthy();

    // Once the old secret has expired, only the new one signs.
    await api.dataSource.query("UPDATE callbacks SET previous_secret_expires_at = now() - interval '1 second' WHERE org_id = $1 AND name = 'rotating'", [org.orgId]);
    receiver.received.length = 0;
    await api.get(`${CALLBACKS}/rotating/actions/verify`, org);
    const later = receiver.received[0].headers as Record<string, string>;
    expect(later['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(oldSecret).verify(receiver.received[0].raw, later)).toThrow();
  });

  it("answers another org's callback with 404, and no key with a Responsys 401", async () => {
    const other = await api.createOrg('rsys-cb-other');
    expect((await api.get(`${CALLBACKS}/Email_Callback`, other)).status).toBe(404);
    expect((await api.get(`${CALLBACKS}/Email_Callback/actions/verify`, other)).status).toBe(404);
    expect((await api.post(`${CALLBACKS}/Email_Callback/actions/rotateSecret`, {}, other)).status).toBe(404);
    expect((await api.delete(`${CALLBACKS}/Email_Callback`, other)).status).toBe(404);
    const anonymous = await api.post(CALLBACKS, { callBackName: 'x', callBackUrl: 'https://hooks.example.com' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual(responsysError('Unauthorized', 'UNAUTHORIZED', 'Unauthorized'));
  });
});
