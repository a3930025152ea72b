import { customerByIdentifier, rowsOf, TestApi, TestOrg } from '@app/testing';
import { randomBytes } from 'node:crypto';

const URL = '/api/v1.1/subscriptions/set';

/** Altcraft's request example, verbatim but for the token. */
const SEED_002 = {
  channel: 'email',
  db_id: 1,
  email: 'john@example.com',
  priority: 10,
  profile_id: 'abcdefghijklmnqrstuvwxyz',
  resource_id: 1,
  status: 'suspended',
  token: 'abcdefghijklmnqrstuvwxyz',
};

/** Altcraft's response example, verbatim. */
const SEED_002_ANSWER = {
  data: {
    action: 'subscribed',
    is_new_channel: false,
    is_new_contact: false,
    is_new_subscription: true,
    is_restored: false,
    is_safe: true,
  },
  error: 0,
  error_text: 'Successful operation',
};

const STATUSES = ['subscribed', 'unsubscribed', 'complained', 'hardbounced', 'unconfirmed', 'suspended', 'invalid'];
const OPTLINE = ['OPTIN', 'OPTOUT', 'COMPLAINED', 'HARDBOUNCED', 'UNCONFIRMED', 'SUSPENDED', 'INVALID'];

describe('Altcraft subscriptions/set', () => {
  let api: TestApi;
  let org: TestOrg;
  const profile = () => `p-${randomBytes(6).toString('hex')}`;
  const customerOf = (profileId: string, dbId = 1) =>
    customerByIdentifier(api, org.orgId, { source: 'ALTCRAFT', accountId: String(dbId), type: 'profileId', value: profileId });
  const set = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    api.post(URL, { token: org.key, db_id: 1, resource_id: 1, ...body }, undefined, headers);

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('altcraft');
  });
  afterAll(() => api.close());

  it("answers the page's example with the page's answer, creating the unknown profile", async () => {
    const res = await api.post(URL, { ...SEED_002, token: org.key }, undefined, { 'user-agent': 'altcraft-test' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(SEED_002_ANSWER);
    const customerId = await customerOf(SEED_002.profile_id);
    expect(customerId).toBe(Number(res.headers['optline-customer-id']));

    const [state] = await rowsOf(api, 'consents', customerId!);
    expect(state).toMatchObject({ channel: 'EMAIL', topic: '1', account_id: '', address: 'john@example.com', status: 'SUSPENDED' });
    const ledger = await rowsOf(api, 'consent_ledger', customerId!);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      dialect: 'altcraft',
      previous_status: null,
      status: 'SUSPENDED',
      address: 'john@example.com',
      api_key_id: org.keyId,
      user_agent: 'altcraft-test',
      proof: { priority: 10 },
    });
    const events = await rowsOf(api, 'events', customerId!);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['EMAIL_OPTOUT']);
    expect(events[0]).toMatchObject({ id: ledger[0].event_id, recipient: 'john@example.com', channel: 'EMAIL' });
    expect(events[0].payload.consent).toMatchObject({ topic: '1', status: 'SUSPENDED', previousStatus: 'OPTIN', source: 'altcraft' });
  });

  it.each(STATUSES.map((word, n) => [word, n, OPTLINE[n]]))('takes status %s as a word and as %i', async (word, n, expected) => {
    for (const status of [word, n, String(n)]) {
      const profileId = profile();
      const res = await set({ profile_id: profileId, channel: 'email', email: 'a@example.com', status });
      expect(res.status).toBe(200);
      const [state] = await rowsOf(api, 'consents', (await customerOf(profileId))!);
      expect(state.status).toBe(expected);
    }
  });

  it.each([
    ['email', { email: 'Mixed.Case@Example.com' }, 'EMAIL', 'mixed.case@example.com'],
    ['push', { provider: 'Firefox', subscription_id: 'sub-ff-1' }, 'WEBPUSH', 'sub-ff-1'],
    ['push', { provider: 'Android', subscription_id: 'sub-and-1' }, 'PUSH', 'sub-and-1'],
    ['sms', { phone: '+7 900 000-00-00' }, 'SMS', '+79000000000'],
    ['telegram_bot', { cc_data: { id: 1 } }, 'TELEGRAM', '1'],
    ['whatsapp', { cc_data: { phone: '+79000000001' } }, 'WHATSAPP', '+79000000001'],
  ])('records channel %s from its own fields as the address', async (channel, fields, optlineChannel, address) => {
    const profileId = profile();
    const res = await set({ profile_id: profileId, channel, ...fields, status: 0 });
    expect(res.status).toBe(200);
    const customerId = (await customerOf(profileId))!;
    const [state] = await rowsOf(api, 'consents', customerId);
    expect(state).toMatchObject({ channel: optlineChannel, address, status: 'OPTIN' });
    const [event] = await rowsOf(api, 'events', customerId);
    expect(event.recipient).toBe(address);
  });

  it('keeps the proof (date, ip, url) and the push provider on the ledger row', async () => {
    const profileId = profile();
    const proof = { date: '2024-05-01T10:00:00Z', ip: '203.0.113.7', url: 'https://example.com/subscribe' };
    await set({ profile_id: profileId, channel: 'push', provider: 'Chrome', subscription_id: 's1', ...proof });
    const [row] = await rowsOf(api, 'consent_ledger', (await customerOf(profileId))!);
    expect(row.proof).toEqual({ ...proof, provider: 'Chrome' });
  });

  it('writes state and ledger but no event with skip_triggers', async () => {
    const profileId = profile();
    const res = await set({ profile_id: profileId, channel: 'sms', phone: '+79000000002', status: 'unsubscribed', skip_triggers: true });
    expect(res.status).toBe(200);
    const customerId = (await customerOf(profileId))!;
    expect((await rowsOf(api, 'consents', customerId))[0].status).toBe('OPTOUT');
    const [row] = await rowsOf(api, 'consent_ledger', customerId);
    expect(row).toMatchObject({ status: 'OPTOUT', event_id: null });
    expect(await rowsOf(api, 'events', customerId)).toEqual([]);
  });

  it('keeps the current status when status is omitted, and subscribes a new subscription', async () => {
    const profileId = profile();
    const first = await set({ profile_id: profileId, channel: 'email', email: 'keep@example.com' });
    expect(first.body.data).toMatchObject({ action: 'subscribed', is_new_subscription: true });
    const customerId = (await customerOf(profileId))!;
    expect((await rowsOf(api, 'consents', customerId))[0].status).toBe('OPTIN');

    await set({ profile_id: profileId, channel: 'email', email: 'keep@example.com', status: 'suspended' });
    const again = await set({ profile_id: profileId, channel: 'email', email: 'keep@example.com', url: 'https://example.com/x' });
    expect(again.body.data).toMatchObject({ action: 'unchanged', is_new_subscription: false });
    expect((await rowsOf(api, 'consents', customerId))[0].status).toBe('SUSPENDED');
    expect(await rowsOf(api, 'consent_ledger', customerId)).toHaveLength(2);
  });

  it.each([
    ['a missing channel field', { channel: 'sms' }, 'phone'],
    ['a bad email', { channel: 'email', email: 'not-an-email' }, 'email'],
    ['cc_data missing for telegram_bot', { channel: 'telegram_bot' }, 'cc_data'],
    ['an unknown status', { channel: 'email', email: 'a@example.com', status: 7 }, 'status'],
    ['an unknown status word', { channel: 'email', email: 'a@example.com', status: 'maybe' }, 'status'],
    ['an unknown channel', { channel: 'fax' }, 'channel'],
    ['an unknown field', { channel: 'email', email: 'a@example.com', colour: 'red' }, 'colour'],
    ['format xml', { channel: 'email', email: 'a@example.com', format: 'xml' }, 'format'],
  ])('refuses %s with 400 in the envelope and writes nothing', async (_what, fields, field) => {
    const profileId = profile();
    const res = await set({ profile_id: profileId, ...fields });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 400, error_text: expect.stringContaining(field) });
    expect(await customerOf(profileId)).toBeUndefined();
  });

  it('refuses a missing or unknown token with 401 in the envelope; a header key works too', async () => {
    const profileId = profile();
    const body = { db_id: 1, resource_id: 1, profile_id: profileId, channel: 'email', email: 'a@example.com' };
    for (const token of [undefined, '', 'ol_not-a-key']) {
      const res = await api.post(URL, { ...body, token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 401, error_text: expect.stringContaining('token') });
    }
    expect(await customerOf(profileId)).toBeUndefined();
    expect((await api.post(URL, body, org)).status).toBe(200);
  });

  it("keeps each org's profiles apart: the same profile id in another org is another customer", async () => {
    const other = await api.createOrg('altcraft-other');
    const profileId = profile();
    const mine = await set({ profile_id: profileId, channel: 'email', email: 'a@example.com', status: 1 });
    const theirs = await api.post(URL, { token: other.key, db_id: 1, resource_id: 1, profile_id: profileId, channel: 'email', email: 'a@example.com' });
    expect(theirs.body.data.is_new_subscription).toBe(true);
    expect(theirs.headers['optline-customer-id']).not.toBe(mine.headers['optline-customer-id']);
    const res = await api.get(`/v1/customers/${mine.headers['optline-customer-id']}/consent?channel=EMAIL&topic=1`, other);
    expect(res.status).toBe(404);
  });

  it('treats db_id as part of the profile: the same profile id in another database is another profile', async () => {
    const profileId = profile();
    await set({ profile_id: profileId, channel: 'email', email: 'a@example.com' });
    const res = await set({ db_id: 2, profile_id: profileId, channel: 'email', email: 'a@example.com' });
    expect(res.body.data.is_new_subscription).toBe(true);
    expect(await customerOf(profileId, 2)).not.toBe(await customerOf(profileId, 1));
  });
});
