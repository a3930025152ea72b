import { registerCustomer, TestApi, TestOrg } from '@app/testing';
import { randomBytes, randomInt } from 'node:crypto';

const wmNumber = () => String(randomInt(1, 2 ** 47));
const altcraftProfile = () => `p-${randomBytes(6).toString('hex')}`;
const wmHeaders = { 'request-tracking-id': 't-1', clientid: 'wm-portal' };

/** WM opting one address in or out of one category. */
const wmPreferences = (category: string, address: string, optIn: boolean) => ({
  preferences: [{ category, channels: [{ name: 'Email', selections: [{ value: address, is_opt_in: optIn ? 'Y' : 'N' }] }] }],
});

/**
 * One person reached through several dialects: a customer registered through Capillary gets a WM
 * customer number and an Altcraft profile attached, and from then on WM and Altcraft write that
 * customer's consent, which the native decision endpoint sees.
 */
describe('identities across dialects', () => {
  let api: TestApi;
  let org: TestOrg;
  let other: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('identities');
    other = await api.createOrg('identities-other');
  });
  afterAll(() => api.close());

  const identitiesOf = (id: number, as = org) => api.get(`/v1/customers/${id}/identities`, as);
  const identifierCount = async () =>
    Number((await api.dataSource.query('SELECT count(*) AS n FROM customer_identifiers WHERE org_id = $1', [org.orgId]))[0].n);

  it("attaches a WM customer number: WM's writes land on the customer and its consent answer sees them", async () => {
    const customer = await registerCustomer(api, org);
    const wm = wmNumber();
    const attached = await api.post(`/v1/customers/${customer.id}/identities`, { type: 'wmCustomer', value: wm }, org);
    expect(attached.status).toBe(201);
    expect(attached.body).toEqual({ customerId: customer.id, identity: { type: 'wmCustomer', value: wm }, alreadyAttached: false, merged: [] });

    const put = await api.put(`/api/v1/customers/${wm}/communication-preferences`, wmPreferences('Offers', 'tom@example.com', false), org, wmHeaders);
    expect(put.status).toBe(200);
    expect(Number(put.headers['optline-customer-id'])).toBe(customer.id);

    const answer = await api.get(`/v1/customers/${customer.id}/consent?channel=EMAIL&topic=Offers&address=tom@example.com`, org);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ allowed: false, status: 'OPTOUT' });
  });

  it("attaches an Altcraft profile (profile_id in its db_id): Altcraft's writes land on the customer", async () => {
    const customer = await registerCustomer(api, org);
    const profileId = altcraftProfile();
    const attached = await api.post(`/v1/customers/${customer.id}/identities`, { type: 'altcraftProfile', value: profileId, accountId: 7 }, org);
    expect(attached.status).toBe(201);
    expect(attached.body.identity).toEqual({ type: 'altcraftProfile', value: profileId, accountId: '7' });

    const set = await api.post(
      '/api/v1.1/subscriptions/set',
      { channel: 'email', db_id: 7, email: 'ann@example.com', profile_id: profileId, resource_id: 3, status: 'unsubscribed' },
      org,
    );
    expect(set.status).toBe(200);
    expect(Number(set.headers['optline-customer-id'])).toBe(customer.id);
    const answer = await api.get(`/v1/customers/${customer.id}/consent?channel=EMAIL&topic=3&address=ann@example.com`, org);
    expect(answer.body).toMatchObject({ allowed: false, status: 'OPTOUT' });
  });

  it('lists identities in native names and detaches one; the dialect no longer finds the customer', async () => {
    const customer = await registerCustomer(api, org);
    const wm = wmNumber();
    await api.post(`/v1/customers/${customer.id}/identities`, { type: 'wmCustomer', value: wm }, org);
    await api.post(`/v1/customers/${customer.id}/identities`, { type: 'email', value: 'tom@wechat.example', source: 'WECHAT', accountId: 'wx1' }, org);

    const listed = await identitiesOf(customer.id);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      customerId: customer.id,
      identities: [
        { type: 'mobile', value: customer.mobile, source: 'INSTORE' },
        { type: 'email', value: customer.email, source: 'INSTORE' },
        { type: 'wmCustomer', value: wm },
        { type: 'email', value: 'tom@wechat.example', source: 'WECHAT', accountId: 'wx1' },
      ],
    });

    const detached = await api.delete(`/v1/customers/${customer.id}/identities/wmCustomer/${wm}`, org);
    expect(detached.status).toBe(200);
    expect(detached.body).toEqual({ customerId: customer.id, detached: { type: 'wmCustomer', value: wm } });
    expect((await api.get(`/api/v1/customers/${wm}/communication-preferences`, org, wmHeaders)).status).toBe(404);
    expect((await api.delete(`/v1/customers/${customer.id}/identities/wmCustomer/${wm}`, org)).status).toBe(404);
    const wechat = await api.delete(`/v1/customers/${customer.id}/identities/email/tom@wechat.example?source=WECHAT&accountId=wx1`, org);
    expect(wechat.status).toBe(200);
    expect((await identitiesOf(customer.id)).body.identities).toHaveLength(2);
  });

  it('attaching an identity is idempotent: the second time answers 200 and changes nothing', async () => {
    const customer = await registerCustomer(api, org);
    const again = await api.post(`/v1/customers/${customer.id}/identities`, { type: 'mobile', value: customer.mobile }, org);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ customerId: customer.id, alreadyAttached: true, merged: [] });
  });

  it('attaching an identity another customer holds merges that customer into this one, consent included', async () => {
    const survivor = await registerCustomer(api, org);
    const wm = wmNumber();
    // WM knows the person first, as a customer of its own, opted out of one address.
    const put = await api.put(`/api/v1/customers/${wm}/communication-preferences`, wmPreferences('News', 'ann@example.com', false), org, wmHeaders);
    const victimId = Number(put.headers['optline-customer-id']);
    expect(victimId).not.toBe(survivor.id);

    const attached = await api.post(`/v1/customers/${survivor.id}/identities`, { type: 'wmCustomer', value: wm }, org);
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ customerId: survivor.id, merged: [{ customerId: victimId, conflicts: [] }] });

    const answer = await api.get(`/v1/customers/${survivor.id}/consent?channel=EMAIL&topic=News&address=ann@example.com`, org);
    expect(answer.body).toMatchObject({ allowed: false, status: 'OPTOUT' });
    // The victim's id now acts on the survivor, and says so.
    const viaVictim = await identitiesOf(victimId);
    expect(viaVictim.body).toMatchObject({ customerId: survivor.id, mergedInto: survivor.id });
    expect(viaVictim.body.identities).toContainEqual({ type: 'wmCustomer', value: wm });
    // WM's later writes find the survivor.
    const later = await api.put(`/api/v1/customers/${wm}/communication-preferences`, wmPreferences('News', 'ann@example.com', true), org, wmHeaders);
    expect(Number(later.headers['optline-customer-id'])).toBe(survivor.id);
  });

  it('a Capillary identifier held in another source counts as held: its customer is merged in', async () => {
    const survivor = await registerCustomer(api, org);
    const victim = await registerCustomer(api, org, { source: 'MARTJACK' });
    const attached = await api.post(`/v1/customers/${survivor.id}/identities`, { type: 'email', value: victim.email }, org);
    expect(attached.status).toBe(201);
    expect(attached.body.merged).toEqual([{ customerId: victim.id, conflicts: [] }]);
    const lookup = await api.get(`/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue=${encodeURIComponent(victim.mobile)}`, org);
    expect(lookup.body.entity).toBe(survivor.id);
  });

  it('refuses bad input with 400 and unknown or foreign customers with 404, writing nothing', async () => {
    const customer = await registerCustomer(api, org);
    const foreign = await registerCustomer(api, other);
    const before = await identifierCount();
    const url = `/v1/customers/${customer.id}/identities`;
    const cases: Array<[unknown, string]> = [
      [{ type: 'passport', value: 'X1' }, 'type'],
      [{ type: 'wmCustomer' }, 'value'],
      [{ type: 'wmCustomer', value: '' }, 'value'],
      [{ type: 'wmCustomer', value: 'abc' }, 'value'],
      [{ type: 'altcraftProfile', value: 'p-1' }, 'accountId'],
      [{ type: 'email', value: 'tom@example.com', source: 'WECHAT' }, 'accountId'],
      [{ type: 'email', value: 'tom@example.com', source: 'NOWHERE' }, 'source'],
      [{ type: 'email', value: 'not-an-email' }, 'value'],
      [{ type: 'mobile', value: '12' }, 'value'],
    ];
    for (const [body, field] of cases) {
      const res = await api.post(url, body, org);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.code).toBe('INVALID_REQUEST');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    for (const id of ['999999999', 'abc', String(foreign.id)]) {
      const res = await api.post(`/v1/customers/${id}/identities`, { type: 'wmCustomer', value: wmNumber() }, org);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('CUSTOMER_NOT_FOUND');
      expect((await api.get(`/v1/customers/${id}/identities`, org)).status).toBe(404);
    }
    expect(await identifierCount()).toBe(before);
  });
});
