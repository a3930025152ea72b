import { TestApi, TestOrg } from '@app/testing';
import { randomBytes } from 'node:crypto';

const NONE = { is_new_channel: false, is_new_contact: false, is_new_subscription: false, is_restored: false };

/** Each response flag, computed from the profile's subscriptions before the call. */
describe('Altcraft response flags', () => {
  let api: TestApi;
  let org: TestOrg;
  let profileId: string;
  const set = (body: Record<string, unknown>) =>
    api.post('/api/v1.1/subscriptions/set', { token: org.key, db_id: 1, profile_id: profileId, resource_id: 1, ...body });
  const data = async (body: Record<string, unknown>) => {
    const res = await set(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ error: 0, error_text: 'Successful operation' });
    return res.body.data;
  };

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('altcraft-flags');
  });
  beforeEach(() => {
    profileId = `p-${randomBytes(6).toString('hex')}`;
  });
  afterAll(() => api.close());

  it('is_new_subscription: the first subscription of the profile to a resource', async () => {
    expect(await data({ channel: 'email', email: 'a@example.com' })).toEqual({ ...NONE, action: 'subscribed', is_new_subscription: true, is_safe: true });
    expect((await data({ resource_id: 2, channel: 'email', email: 'a@example.com' })).is_new_subscription).toBe(true);
  });

  it('is_new_channel: a new channel on a resource the profile already has', async () => {
    await data({ channel: 'email', email: 'a@example.com' });
    expect(await data({ channel: 'sms', phone: '+79000000000' })).toEqual({ ...NONE, action: 'subscribed', is_new_channel: true, is_safe: true });
    // Web push and app push are one Altcraft channel, push.
    await data({ channel: 'push', provider: 'Firefox', subscription_id: 's1' });
    expect((await data({ channel: 'push', provider: 'Android', subscription_id: 's2' })).is_new_channel).toBe(false);
  });

  it('is_new_contact: a new address on a channel the resource already has', async () => {
    await data({ channel: 'email', email: 'a@example.com' });
    expect(await data({ channel: 'email', email: 'b@example.com' })).toEqual({ ...NONE, action: 'subscribed', is_new_contact: true, is_safe: true });
  });

  it('is_restored: a subscription that forbade sending is subscribed again', async () => {
    await data({ channel: 'email', email: 'a@example.com', status: 'unsubscribed' });
    expect(await data({ channel: 'email', email: 'a@example.com', status: 'subscribed' })).toEqual({
      ...NONE,
      action: 'updated',
      is_restored: true,
      is_safe: true,
    });
  });

  it('action updated and unchanged for an existing subscription', async () => {
    await data({ channel: 'email', email: 'a@example.com' });
    expect(await data({ channel: 'email', email: 'a@example.com', status: 5 })).toEqual({ ...NONE, action: 'updated', is_safe: true });
    expect(await data({ channel: 'email', email: 'a@example.com', status: 5 })).toEqual({ ...NONE, action: 'unchanged', is_safe: true });
  });

  it('is_safe: false when the subscription is or was hardbounced, complained or invalid', async () => {
    expect((await data({ channel: 'email', email: 'a@example.com', status: 'hardbounced' })).is_safe).toBe(false);
    const restored = await data({ channel: 'email', email: 'a@example.com', status: 'subscribed' });
    expect(restored).toMatchObject({ is_restored: true, is_safe: false });
    expect((await data({ channel: 'email', email: 'a@example.com', status: 'unsubscribed' })).is_safe).toBe(true);
  });
});
