import { verifyConsentLedger } from '@app/domain';
import { registerCustomer, rowsOf, TestApi, TestOrg, uniqueEmail, uniqueMobile } from '@app/testing';

/**
 * Issue 13: an address an erased person had opted out with stays opted out for whoever is given it
 * next, whichever path gives it: a new registration, and just as much a profile, identifier or
 * comm channel added to a customer that already exists.
 */
describe('suppressed addresses attached to an existing customer', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('suppressed');
  });
  afterAll(async () => {
    const report = await verifyConsentLedger(api.dataSource, [org.orgId]);
    expect(report.mismatches).toEqual([]);
    await api.close();
  });

  /** An email and a mobile a person opted out with (EMAIL/BULK, SMS/BULK) before being erased. */
  async function erasedAddresses() {
    const email = uniqueEmail();
    const mobile = uniqueMobile();
    const person = await registerCustomer(api, org, { email, mobile });
    const put = (body: object) => api.put(`/v1/customers/${person.id}/consents`, body, org);
    expect((await put({ channel: 'EMAIL', topic: 'BULK', address: email, status: 'OPTOUT', occurredAt: '2026-03-01T10:00:00Z' })).status).toBe(200);
    expect((await put({ channel: 'SMS', topic: 'BULK', address: mobile, status: 'OPTOUT', occurredAt: '2026-03-01T10:00:00Z' })).status).toBe(200);
    expect((await api.delete(`/v1/customers/${person.id}`, org)).status).toBe(200);
    return { email, mobile };
  }

  const decision = async (customerId: number, channel: string, address: string) =>
    (await api.get(`/v1/customers/${customerId}/consent?channel=${channel}&topic=BULK&address=${encodeURIComponent(address)}`, org)).body;
  const suppressedRows = async (customerId: number) =>
    (await rowsOf(api, 'consent_ledger', customerId))
      .filter((r: any) => r.reason === 'address-suppressed-after-erasure')
      .map((r: any) => [r.dialect, r.channel, r.topic, r.address, r.status]);

  it('a comm channel added by a Capillary customer update starts opted out', async () => {
    const { email } = await erasedAddresses();
    const customer = await registerCustomer(api, org);
    expect(await decision(customer.id, 'EMAIL', email)).toMatchObject({ allowed: true });
    const res = await api.put(`/v2/customers/${customer.id}?source=INSTORE`, { profiles: [{ commChannels: [{ type: 'email', value: email.toUpperCase() }] }] }, org);
    expect(res.status).toBe(200);
    expect(await decision(customer.id, 'EMAIL', email)).toMatchObject({ allowed: false, status: 'OPTOUT' });
    expect(await suppressedRows(customer.id)).toEqual([['system', 'EMAIL', 'BULK', email, 'OPTOUT']]);
    // Sent again: the record exists now, so nothing more is written.
    await api.put(`/v2/customers/${customer.id}?source=INSTORE`, { profiles: [{ commChannels: [{ type: 'email', value: email }] }] }, org);
    expect(await suppressedRows(customer.id)).toHaveLength(1);
  });

  it('an identifier attached through the identities API starts opted out', async () => {
    const { mobile } = await erasedAddresses();
    const customer = await registerCustomer(api, org);
    const res = await api.post(`/v1/customers/${customer.id}/identities`, { type: 'mobile', value: mobile, source: 'MARTJACK' }, org);
    expect(res.status).toBe(201);
    expect(await decision(customer.id, 'SMS', mobile)).toMatchObject({ allowed: false, status: 'OPTOUT' });
    expect(await suppressedRows(customer.id)).toEqual([['system', 'SMS', 'BULK', mobile, 'OPTOUT']]);
  });

  it("an identifier added by Capillary's changeIdentifier starts opted out", async () => {
    const { email } = await erasedAddresses();
    const customer = await registerCustomer(api, org, { source: 'WECHAT', accountId: '9' });
    const res = await api.post(`/v2/customers/${customer.id}/changeIdentifier?source=WECHAT&accountId=9`, { add: [{ type: 'email', value: email }] }, org);
    expect(res.status).toBe(200);
    expect(await decision(customer.id, 'EMAIL', email)).toMatchObject({ allowed: false, status: 'OPTOUT' });
  });

  it('a profile registered in another source and tagged onto a known customer starts opted out on its new addresses', async () => {
    const { email, mobile } = await erasedAddresses();
    const customer = await registerCustomer(api, org);
    // Known by its mobile in INSTORE; the FACEBOOK profile brings the erased person's email along.
    const tagged = await registerCustomer(api, org, { source: 'FACEBOOK', accountId: '3', mobile: customer.mobile, email });
    expect(tagged.id).toBe(customer.id);
    expect(await decision(customer.id, 'EMAIL', email)).toMatchObject({ allowed: false, status: 'OPTOUT' });
    expect(await decision(customer.id, 'SMS', mobile)).toMatchObject({ allowed: true });
    expect(await suppressedRows(customer.id)).toEqual([['system', 'EMAIL', 'BULK', email, 'OPTOUT']]);
  });

  it("an address given in an Altcraft write to a customer it creates starts opted out", async () => {
    const { email } = await erasedAddresses();
    const profileId = `p-${email.split('@')[0]}`;
    const subscription = { db_id: 1, resource_id: 1, profile_id: profileId, channel: 'email', email, status: 'subscribed' };
    const res = await api.post('/api/v1.1/subscriptions/set', { token: org.key, ...subscription });
    expect(res.status).toBe(200);
    const [{ customer_id }] = await api.dataSource.query('SELECT customer_id FROM customer_identifiers WHERE org_id = $1 AND value = $2', [org.orgId, profileId]);
    const ledger = await rowsOf(api, 'consent_ledger', Number(customer_id));
    expect(ledger.map((r: any) => [r.reason, r.topic, r.status])).toEqual([['address-suppressed-after-erasure', 'BULK', 'OPTOUT'], [null, '1', 'OPTIN']]);
  });
});
