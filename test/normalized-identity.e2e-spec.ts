import { OrgsService, verifyConsentLedger } from '@app/domain';
import { registerCustomer, rowsOf, TestApi, TestOrg, uniqueEmail } from '@app/testing';
import { randomBytes, randomInt } from 'node:crypto';

/** Issue 9, problem 3: one number or one e-mail typed several ways is one record, in every dialect. */
const SPELLINGS = ['+7 900 000-00-00', '79000000000', '+79000000000', '8 (900) 000-00-00'];
const E164 = '+79000000000';

describe('normalized identity', () => {
  let api: TestApi;
  let ru: TestOrg;
  let plain: TestOrg;
  const setRegion = (org: TestOrg, region: string | null) => api.app.get(OrgsService).setPhoneRegion(org.slug, region);
  const wmUrl = (customerId: string) => `/api/v1/customers/${customerId}/communication-preferences`;
  const wmHeaders = { 'request-tracking-id': '1', clientid: 'wm-portal' };
  const wmText = (value: string, optIn: 'Y' | 'N') => ({
    preferences: [{ category: 'Alerts', channels: [{ name: 'Text', selections: [{ value, type: 'BPHONE', is_opt_in: optIn }] }] }],
  });
  const altcraftSms = (profileId: string, phone: string, status?: string) => ({
    channel: 'sms',
    db_id: 1,
    profile_id: profileId,
    resource_id: 7,
    phone,
    ...(status ? { status } : {}),
  });

  beforeAll(async () => {
    api = await TestApi.start();
    ru = await api.createOrg('norm-ru');
    plain = await api.createOrg('norm-plain');
    await setRegion(ru, 'RU');
  });
  afterAll(() => api.close());

  it('WM: an opt-out through one spelling is what GET shows under the number, whichever spelling came first', async () => {
    const customerId = String(randomInt(1, 2 ** 47));
    for (const [i, spelling] of SPELLINGS.entries()) {
      const res = await api.put(wmUrl(customerId), wmText(spelling, i % 2 === 0 ? 'Y' : 'N'), ru, wmHeaders);
      expect(res.status).toBe(200);
    }
    const read = await api.get(wmUrl(customerId), ru, wmHeaders);
    expect(read.body.preferences).toEqual([
      { category: 'Alerts', channels: [{ name: 'Text', selections: [{ value: E164, type: 'BPHONE', is_opt_in: 'N' }] }] },
    ]);
    expect(await rowsOf(api, 'consents', Number(read.headers['optline-customer-id']))).toHaveLength(1);
  });

  it('Altcraft: the four spellings are one subscription, so a later spelling updates it and does not add a contact', async () => {
    const profileId = `p-${randomBytes(6).toString('hex')}`;
    const first = await api.post('/api/v1.1/subscriptions/set', altcraftSms(profileId, SPELLINGS[0]), ru);
    expect(first.body.data.action).toBe('subscribed');
    const optOut = await api.post('/api/v1.1/subscriptions/set', altcraftSms(profileId, SPELLINGS[3], 'unsubscribed'), ru);
    expect(optOut.body.data).toMatchObject({ action: 'updated', is_new_contact: false });
    for (const spelling of SPELLINGS.slice(1, 3)) {
      const same = await api.post('/api/v1.1/subscriptions/set', altcraftSms(profileId, spelling, 'unsubscribed'), ru);
      expect(same.body.data.action).toBe('unchanged');
    }
    const [record] = await rowsOf(api, 'consents', Number(first.headers['optline-customer-id']));
    expect(record).toMatchObject({ channel: 'SMS', address: E164, status: 'OPTOUT' });
  });

  it('without a region, the spellings with a country code are one number and the national one is not', async () => {
    const profileId = `p-${randomBytes(6).toString('hex')}`;
    for (const spelling of SPELLINGS.slice(0, 3)) {
      await api.post('/api/v1.1/subscriptions/set', altcraftSms(profileId, spelling, 'unsubscribed'), plain);
    }
    const national = await api.post('/api/v1.1/subscriptions/set', altcraftSms(profileId, SPELLINGS[3]), plain);
    expect(national.body.data).toMatchObject({ action: 'subscribed', is_new_contact: true });
    const records = await rowsOf(api, 'consents', Number(national.headers['optline-customer-id']));
    expect(records.map((r: { address: string }) => r.address).sort()).toEqual([E164, '89000000000']);
  });

  it('Capillary: registered as Tom@Example.com, a v1.1 opt-out for tom@example.com lands on that customer', async () => {
    const email = `Tom.${randomBytes(4).toString('hex')}@Example.com`;
    const customer = await registerCustomer(api, plain, { email });
    const res = await api.post(
      '/v1.1/customer/subscriptions',
      { root: { subscription: [{ email: email.toLowerCase(), priority: 'BULK', channel: 'email', is_subscribed: '0' }] } },
      plain,
    );
    expect(res.status).toBe(200);
    const [item] = res.body.response.subscriptions.subscription;
    expect(item).toMatchObject({ user_id: customer.id, item_status: { success: 'true', code: 1000 } });
    const [record] = await rowsOf(api, 'consents', customer.id);
    expect(record).toMatchObject({ channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT' });
  });

  it('Capillary: a lookup in another spelling finds the customer', async () => {
    const customer = await registerCustomer(api, plain, { mobile: '91 98765 43210', email: uniqueEmail() });
    for (const [name, value] of [
      ['mobile', '+919876543210'],
      ['mobile', '00 91 98765-43210'],
      ['email', `  ${customer.email.toUpperCase()} `],
    ]) {
      const res = await api.get(`/v2/customers/lookup?source=INSTORE&identifierName=${name}&identifierValue=${encodeURIComponent(value)}`, plain);
      expect([value, res.status, res.body.entity]).toEqual([value, 200, customer.id]);
    }
  });

  it("the org's region, set through the CLI's service, reads national numbers, stored ones included", async () => {
    const org = await api.createOrg('norm-region');
    const customer = await registerCustomer(api, org, { mobile: '8 (900) 765-43-21' });
    const lookup = (value: string) =>
      api.get(`/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue=${encodeURIComponent(value)}`, org);
    expect((await lookup('+7 900 765 43 21')).body.errors[0].code).toBe(8015);

    const change = await setRegion(org, 'ru');
    expect(change).toMatchObject({ setting: 'RU', effective: 'RU', respelled: { customer_identifiers: { respelled: 1, removed: 0 } } });
    for (const value of ['+7 900 765 43 21', '8 900 765 43 21', '79007654321']) {
      expect((await lookup(value)).body.entity).toBe(customer.id);
    }
    await expect(setRegion(org, 'XX')).rejects.toThrow(/not a region code/);
  });

  it('a new region that shows two customers to hold one number merges them, and the opt-out of either stands', async () => {
    const org = await api.createOrg('norm-shared');
    // Without a region, the national spelling stays digits: two customers, one person.
    const older = await registerCustomer(api, org, { mobile: '8 900 123-45-67' });
    const newer = await registerCustomer(api, org, { mobile: '+7 900 123-45-67' });
    await api.post(`/v2/customers/${newer.id}/subscriptions`, { subscriptions: [{ channel: 'SMS', priority: 'BULK', type: 'OPTOUT' }] }, org);
    // Two records of one address, in both spellings: 11:00 opt-out, 10:00 opt-out.
    await api.put(`/v1/customers/${older.id}/consents`, { channel: 'SMS', topic: 'NEWS', status: 'OPTOUT', address: '89001234567', occurredAt: '2026-03-01T11:00:00Z' }, org);
    await api.put(`/v1/customers/${older.id}/consents`, { channel: 'SMS', topic: 'NEWS', status: 'OPTIN', address: '+79001234567', occurredAt: '2026-03-01T10:00:00Z' }, org);

    const change = await setRegion(org, 'RU');
    expect(change.respelled.sharedIdentifiers).toEqual([{ orgId: org.orgId, customerIds: [older.id, newer.id] }]);

    const ask = await api.post(
      '/v1/consent/decisions',
      { questions: [{ identifier: { type: 'mobile', value: '+7 900 123-45-67' }, channel: 'SMS', topic: 'BULK' }, { customerId: newer.id, channel: 'SMS', topic: 'BULK' }] },
      org,
    );
    expect(ask.body.decisions).toEqual([
      expect.objectContaining({ customerId: older.id, allowed: false }),
      expect.objectContaining({ customerId: older.id, mergedInto: older.id, allowed: false }),
    ]);
    // The two spellings of one address are one record now: the 11:00 opt-out, restated in the ledger.
    const news = await api.get(`/v1/customers/${older.id}/consent?channel=SMS&topic=NEWS&address=89001234567`, org);
    expect(news.body).toMatchObject({ allowed: false, decidedBy: { address: '+79001234567', occurredAt: '2026-03-01T11:00:00.000Z' } });
    expect(news.body.decidedBy.ledgerEntry).toMatchObject({ dialect: 'system', reason: 'address-respelled', proof: { respelledFrom: ['89001234567'], phoneRegion: 'RU' } });
    expect((await verifyConsentLedger(api.dataSource, [org.orgId])).mismatches).toEqual([]);
  });

  it("answers each dialect's validation error for what cannot be a phone number", async () => {
    const register = await api.post(
      '/v2/customers?source=INSTORE',
      { profiles: [{ identifiers: [{ type: 'mobile', value: 'call me maybe' }] }] },
      plain,
    );
    expect(register.status).toBe(400);
    expect(register.body.errors[0]).toMatchObject({ code: 8056, message: expect.stringContaining('Invalid mobile number') });

    const v11 = await api.post('/v1.1/customer/subscriptions', { mobile: '1234', priority: 'BULK', channel: 'sms', is_subscribed: '0' }, plain);
    expect(v11.body.response.subscriptions.subscription[0].item_status).toMatchObject({ success: 'false', code: 8056 });

    const altcraft = await api.post('/api/v1.1/subscriptions/set', altcraftSms('p-x', '+1 234 567 890 123 456'), plain);
    expect(altcraft.status).toBe(400);
    expect(altcraft.body).toEqual({ error: 400, error_text: 'Invalid request: phone: phone must be a phone number' });

    const wm = await api.put(wmUrl('42'), wmText('ABC-DEF-GHIJ', 'Y'), plain, wmHeaders);
    expect(wm.status).toBe(400);
    expect(wm.body.errors).toEqual([
      { field: 'preferences[0].channels[0].selections[0].value', message: 'value must be a phone number for channels Text and Voice' },
    ]);
  });

  it('native ingest finds the customer by any spelling of its identifier', async () => {
    const customer = await registerCustomer(api, ru, { mobile: '+7 901 000 00 01' });
    const res = await api.post(
      '/v1/events',
      { events: [{ type: 'SMS_OPT_OUT', identifier: { type: 'mobile', value: '8 (901) 000-00-01' }, channel: 'SMS' }] },
      ru,
    );
    expect(res.status).toBe(202);
    const [event] = await rowsOf(api, 'events', customer.id);
    expect(event).toMatchObject({ type: 'SMS_OPT_OUT' });
  });
});
