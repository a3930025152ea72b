import { TestApi, TestOrg, uniqueEmail, uniqueMobile } from '@app/testing';

describe('Capillary v2 customers: register, lookup, fetch', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('cap-cust');
  });
  afterAll(() => api.close());

  it("registers the page's WECHAT sample and fetches it with embed=subscriptions", async () => {
    const email = uniqueEmail();
    const wechat = `oj-${uniqueMobile()}`;
    const sample = {
      profiles: [
        {
          firstName: 'Tom',
          lastName: 'Sawyer',
          fields: { 'Favorite Color': 'Green', 'Favorite Sport': 'Cricket' },
          identifiers: [{ type: 'email', value: email }],
          commChannels: [{ type: 'wechat', value: wechat, primary: true, verified: true }],
        },
      ],
      loyaltyInfo: { loyaltyType: 'loyalty', _comment: 'loyaltyType can be loyalty or non_loyalty' },
      extendedFields: { gender: 'Male', city: 'Bangalore' },
    };
    const created = await api.post('/v2/customers?source=WECHAT&accountId=22232', sample, org);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ createdId: expect.any(Number), warnings: [] });
    const id = created.body.createdId;

    const fetched = await api.get(`/v2/customers/${id}?source=WECHAT&accountId=22232&embed=subscriptions`, org);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({
      id,
      profiles: [
        {
          firstName: 'Tom',
          lastName: 'Sawyer',
          fields: { 'Favorite Color': 'Green' },
          identifiers: [{ type: 'email', value: email }],
          commChannels: [{ type: 'wechat', value: wechat, primary: true, verified: true }],
          source: 'WECHAT',
          userId: id,
        },
      ],
      loyaltyInfo: { loyaltyType: 'loyalty' },
      extendedFields: { gender: 'Male', city: 'Bangalore' },
      warnings: [],
    });
    expect(fetched.body.subscriptionInfo.subscriptions).toEqual(
      expect.arrayContaining([
        { channel: 'EMAIL', accountId: '', priority: 'TRANS', type: 'OPTIN' },
        { channel: 'SMS', accountId: '', priority: 'BULK', type: 'OPTIN' },
      ]),
    );
    const plain = await api.get(`/v2/customers/${id}?source=WECHAT&accountId=22232`, org);
    expect(plain.body.subscriptionInfo).toBeUndefined();
  });

  it('requires accountId for WECHAT and FACEBOOK (8045) and refuses an unknown source', async () => {
    const body = { profiles: [{ identifiers: [{ type: 'email', value: uniqueEmail() }] }] };
    const noAccount = await api.post('/v2/customers?source=FACEBOOK', body, org);
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.errors[0].code).toBe(8045);
    const badSource = await api.post('/v2/customers?source=TWITTER', body, org);
    expect(badSource.status).toBe(400);
    expect(badSource.body.errors[0].code).toBe(8011);
    const [{ count }] = await api.dataSource.query('SELECT count(*)::int AS count FROM customers WHERE org_id = $1', [org.orgId]);
    const again = await api.post('/v2/customers?source=TWITTER', body, org);
    expect(again.status).toBe(400);
    const [{ count: after }] = await api.dataSource.query('SELECT count(*)::int AS count FROM customers WHERE org_id = $1', [org.orgId]);
    expect(after).toBe(count);
  });

  it('tags a profile in another source onto the existing customer, and refuses the same source', async () => {
    const mobile = uniqueMobile();
    const body = { profiles: [{ firstName: 'Huck', identifiers: [{ type: 'mobile', value: mobile }] }] };
    const first = await api.post('/v2/customers?source=MARTJACK', body, org);
    expect(first.status).toBe(200);
    const second = await api.post('/v2/customers?source=INSTORE', body, org);
    expect(second.status).toBe(200);
    expect(second.body.createdId).toBe(first.body.createdId);
    const all = await api.get(`/v2/customers/${first.body.createdId}?source=ALL`, org);
    expect(all.body.profiles.map((p: { source: string }) => p.source).sort()).toEqual(['INSTORE', 'MARTJACK']);
    const duplicate = await api.post('/v2/customers?source=INSTORE', body, org);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0].code).toBe(8007);
  });

  it('keeps identifiers unique per account for multi-account sources', async () => {
    const email = uniqueEmail();
    const body = { profiles: [{ identifiers: [{ type: 'email', value: email }] }] };
    const a = await api.post('/v2/customers?source=WECHAT&accountId=A1', body, org);
    const b = await api.post('/v2/customers?source=WECHAT&accountId=A2', body, org);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const again = await api.post('/v2/customers?source=WECHAT&accountId=A1', body, org);
    expect(again.status).toBe(409);
  });

  it('looks customers up by identifier, per source or across all', async () => {
    const mobile = uniqueMobile();
    const created = await api.post('/v2/customers?source=INSTORE', { profiles: [{ identifiers: [{ type: 'mobile', value: mobile }] }] }, org);
    const id = created.body.createdId;
    const found = await api.get(`/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=${mobile}`, org);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ entity: id, warnings: [] });
    expect((await api.get(`/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue=${mobile}`, org)).body.entity).toBe(id);

    const otherSource = await api.get(`/v2/customers/lookup?source=MARTJACK&identifierName=mobile&identifierValue=${mobile}`, org);
    expect(otherSource.status).toBe(404);
    expect(otherSource.body.errors[0].code).toBe(8065);
    const nowhere = await api.get(`/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue=1230000000`, org);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.errors[0].code).toBe(8015);
    const notAMobile = await api.get(`/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue=000`, org);
    expect(notAMobile.status).toBe(400);
    expect(notAMobile.body.errors[0].code).toBe(8013);
    const badName = await api.get(`/v2/customers/lookup?source=ALL&identifierName=phone&identifierValue=1`, org);
    expect(badName.status).toBe(400);
    expect(badName.body.errors[0].code).toBe(8013);
    const badSource = await api.get(`/v2/customers/lookup?source=NOPE&identifierName=mobile&identifierValue=1`, org);
    expect(badSource.body.errors[0].code).toBe(8011);
  });

  it('answers fetch errors with the page codes', async () => {
    expect((await api.get('/v2/customers/999999999?source=ALL', org)).body.errors[0].code).toBe(8015);
    expect((await api.get('/v2/customers/abc?source=ALL', org)).body.errors[0].code).toBe(8015);
    const bad = await api.get('/v2/customers/1?source=NOPE', org);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe(8012);
    const created = await api.post('/v2/customers?source=INSTORE', { profiles: [{ identifiers: [{ type: 'email', value: uniqueEmail() }] }] }, org);
    const missing = await api.get(`/v2/customers/${created.body.createdId}?source=MARTJACK`, org);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe(8065);
  });
});
