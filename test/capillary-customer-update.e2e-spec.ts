import { OrgsService } from '@app/domain';
import { TestApi, TestOrg, registerCustomer, uniqueEmail } from '@app/testing';

/** The page's PUT sample, verbatim but for the customer's identifiers (so that each test owns its own). */
function pageSample(ids: { mobile: number; email: string; wechat: string }) {
  return {
    profiles: [
      {
        firstName: 'Tom',
        lastName: 'Sawyer',
        fields: { gender: 'Male', city: 'Bangalore' },
        identifiers: [
          { type: 'mobile', value: ids.mobile },
          { type: 'email', value: ids.email },
          { type: 'wechat', value: ids.wechat },
        ],
        commChannels: [
          { type: 'email', value: ids.email, primary: 'true', verified: 'false', meta: { residence: true } },
          { type: 'wechat', value: ids.wechat, primary: 'true', verified: 'true', meta: { residence: true } },
        ],
        source: 'WECHAT',
        accountId: '1234',
      },
    ],
    loyaltyInfo: { loyaltyType: 'loyalty' },
    extendedFields: { gender: 'MALE', city: 'Bangalore' },
  };
}

const randomDigits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

describe('Capillary v2: PUT /v2/customers/{id} (update)', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('cap-update');
  });
  afterAll(() => api.close());

  /** A WECHAT customer holding the sample's three identifiers. */
  async function wechatCustomer(accountId = '22232') {
    const ids = { mobile: Number(`9191${randomDigits(8)}`), email: uniqueEmail(), wechat: `wc_${randomDigits(8)}` };
    const created = await api.post(
      `/v2/customers?source=WECHAT&accountId=${accountId}`,
      {
        profiles: [
          {
            firstName: 'Thomas',
            identifiers: [
              { type: 'mobile', value: String(ids.mobile) },
              { type: 'email', value: ids.email },
              { type: 'wechat', value: ids.wechat },
            ],
            commChannels: [{ type: 'email', value: ids.email, primary: true, verified: true }],
          },
        ],
        loyaltyInfo: { loyaltyType: 'non_loyalty' },
      },
      org,
    );
    expect(created.status).toBe(200);
    return { id: created.body.createdId as number, ...ids };
  }

  const rowCounts = async () => {
    const [row] = await api.dataSource.query(
      `SELECT (SELECT count(*) FROM customer_profiles WHERE org_id = $1)::int AS profiles,
              (SELECT count(*) FROM customer_identifiers WHERE org_id = $1)::int AS identifiers,
              (SELECT max(updated_at) FROM customer_profiles WHERE org_id = $1) AS profiles_at,
              (SELECT max(updated_at) FROM customers WHERE org_id = $1) AS customers_at`,
      [org.orgId],
    );
    return row;
  };

  it("takes the page's sample (a JSON-number mobile, string booleans) and fetch shows the change and who made it", async () => {
    const customer = await wechatCustomer();
    const sample = pageSample(customer);
    const res = await api.put(`/v2/customers/${customer.id}?source=WECHAT&accountId=22232`, sample, org);
    expect(res.status).toBe(200);
    // The sample's profile names account 1234 while the query names 22232: the query's profile is updated, and that is said.
    expect(res.body).toEqual({
      createdId: customer.id,
      warnings: [{ code: 8100, message: expect.stringContaining('Source cannot be modified') }],
    });

    const fetched = await api.get(`/v2/customers/${customer.id}?source=WECHAT&accountId=22232`, org);
    expect(fetched.status).toBe(200);
    const [profile] = fetched.body.profiles;
    expect(profile).toMatchObject({
      firstName: 'Tom',
      lastName: 'Sawyer',
      fields: { gender: 'Male', city: 'Bangalore' },
      source: 'WECHAT',
      accountId: '22232',
      commChannels: [
        { type: 'email', value: customer.email, primary: true, verified: false, meta: { residence: true } },
        { type: 'wechat', value: customer.wechat, primary: true, verified: true, meta: { residence: true } },
      ],
    });
    expect(profile.identifiers).toHaveLength(3);
    expect(profile.attribution.modifiedBy).toEqual({ code: org.keyId, description: '', name: org.keyId, type: 'API_KEY' });
    expect(profile.attribution.createdBy.code).toBe(org.keyId);
    expect(Date.parse(profile.attribution.modifiedDate)).toBeGreaterThanOrEqual(Date.parse(profile.attribution.createDate));
    expect(fetched.body.loyaltyInfo.loyaltyType).toBe('loyalty');
    expect(fetched.body.extendedFields).toEqual({ gender: 'MALE', city: 'Bangalore' });
  });

  it('records the key that modified the profile, not the one that registered it', async () => {
    const customer = await wechatCustomer();
    const other = await api.app.get(OrgsService).createKey(org.slug);
    const res = await api.put(
      `/v2/customers/${customer.id}?source=WECHAT&accountId=22232`,
      { profiles: [{ lastName: 'Finn' }] },
      org,
      { authorization: `Bearer ${other.key}` },
    );
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([]);
    const [profile] = (await api.get(`/v2/customers/${customer.id}?source=WECHAT&accountId=22232`, org)).body.profiles;
    expect(profile.attribution.createdBy.code).toBe(org.keyId);
    expect(profile.attribution.modifiedBy.code).toBe(other.id);
    expect(profile.firstName).toBe('Thomas');
    expect(profile.lastName).toBe('Finn');
  });

  it('normalizes comm channel values (E.164 mobiles, lower-case e-mails) and keeps one primary per type', async () => {
    const customer = await registerCustomer(api, org);
    const res = await api.put(
      `/v2/customers/${customer.id}?source=INSTORE`,
      {
        profiles: [
          {
            commChannels: [
              { type: 'mobile', value: '+91 98765-43210', primary: true },
              { type: 'EMAIL', value: '  Tom.Sawyer@Example.COM ', primary: true, verified: 'true' },
            ],
          },
        ],
      },
      org,
    );
    expect(res.status).toBe(200);
    const again = await api.put(
      `/v2/customers/${customer.id}?source=INSTORE`,
      { profiles: [{ commChannels: [{ type: 'email', value: 'huck@example.com', primary: true }] }] },
      org,
    );
    expect(again.status).toBe(200);
    const [profile] = (await api.get(`/v2/customers/${customer.id}?source=INSTORE`, org)).body.profiles;
    expect(profile.commChannels).toEqual([
      { type: 'mobile', value: '+919876543210', primary: true },
      { type: 'email', value: 'tom.sawyer@example.com', primary: false, verified: true },
      { type: 'email', value: 'huck@example.com', primary: true },
    ]);
  });

  it('warns about identifiers the profile does not hold and never adds them', async () => {
    const customer = await registerCustomer(api, org);
    const stranger = uniqueEmail();
    const res = await api.put(
      `/v2/customers/${customer.id}?source=INSTORE`,
      { profiles: [{ firstName: 'Tom', identifiers: [{ type: 'email', value: customer.email.toUpperCase() }, { type: 'email', value: stranger }] }] },
      org,
    );
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([{ code: 8100, message: expect.stringContaining(`email ${stranger} not added`) }]);
    const lookup = await api.get(`/v2/customers/lookup?source=ALL&identifierName=email&identifierValue=${stranger}`, org);
    expect(lookup.status).toBe(404);
  });

  it("refuses identifiers that name another customer's profile in the source (8008), writing nothing", async () => {
    const customer = await registerCustomer(api, org);
    const other = await registerCustomer(api, org);
    const before = await rowCounts();
    const res = await api.put(
      `/v2/customers/${customer.id}?source=INSTORE`,
      { profiles: [{ firstName: 'Changed', identifiers: [{ type: 'mobile', value: other.mobile }] }], extendedFields: { city: 'Pune' } },
      org,
    );
    expect(res.status).toBe(409);
    expect(res.body.errors[0].code).toBe(8008);
    expect(await rowCounts()).toEqual(before);
  });

  it('only turns non_loyalty into loyalty (8018 the other way, nothing written)', async () => {
    const customer = await wechatCustomer();
    const url = `/v2/customers/${customer.id}?source=WECHAT&accountId=22232`;
    expect((await api.put(url, { profiles: [{}], loyaltyInfo: { loyaltyType: 'loyalty' } }, org)).status).toBe(200);
    const before = await rowCounts();
    const down = await api.put(url, { profiles: [{ firstName: 'X' }], loyaltyInfo: { loyaltyType: 'non_loyalty' } }, org);
    expect(down.status).toBe(400);
    expect(down.body).toEqual({ errors: [{ code: 8018, message: 'A loyalty customer cannot be converted to a non-loyalty customer' }], warnings: [] });
    expect(await rowCounts()).toEqual(before);
    const fetched = await api.get(url, org);
    expect(fetched.body.loyaltyInfo.loyaltyType).toBe('loyalty');
    expect(fetched.body.profiles[0].firstName).toBe('Thomas');
  });

  it.each([
    ['an unknown comm channel type', { type: 'fax', value: '123' }, 8010],
    ['an empty comm channel value', { type: 'wechat', value: '' }, 8010],
    ['a comm channel boolean that is none', { type: 'wechat', value: 'x', primary: 'yes' }, 8010],
    ['an invalid email in a comm channel', { type: 'email', value: 'not-an-email' }, 8057],
    ['an invalid mobile in a comm channel', { type: 'mobile', value: '12ab' }, 8058],
  ])('answers %s with %s and writes nothing', async (_, channel, code) => {
    const customer = await registerCustomer(api, org);
    const before = await rowCounts();
    const res = await api.put(`/v2/customers/${customer.id}?source=INSTORE`, { profiles: [{ firstName: 'New', commChannels: [channel] }] }, org);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { code: number }) => e.code)).toEqual([code]);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers 8045 without an accountId for WECHAT/FACEBOOK, 8011 for an unknown source, 8065 without a profile in the source', async () => {
    const customer = await wechatCustomer();
    const body = { profiles: [{ firstName: 'New' }] };
    const noAccount = await api.put(`/v2/customers/${customer.id}?source=WECHAT`, body, org);
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.errors[0].code).toBe(8045);
    const badSource = await api.put(`/v2/customers/${customer.id}?source=TWITTER`, body, org);
    expect(badSource.status).toBe(400);
    expect(badSource.body.errors[0].code).toBe(8011);
    const otherAccount = await api.put(`/v2/customers/${customer.id}?source=WECHAT&accountId=99`, body, org);
    expect(otherAccount.status).toBe(404);
    expect(otherAccount.body.errors[0].code).toBe(8065);
    const noProfiles = await api.put(`/v2/customers/${customer.id}?source=WECHAT&accountId=22232`, { profiles: [] }, org);
    expect(noProfiles.status).toBe(400);
  });

  it("answers 8009 for an unknown customer and for another org's customer, which stays unchanged", async () => {
    const customer = await registerCustomer(api, org);
    const other = await api.createOrg('cap-update-other');
    const body = { profiles: [{ firstName: 'Intruder' }] };
    for (const [url, as] of [
      [`/v2/customers/${customer.id}?source=INSTORE`, other],
      ['/v2/customers/999999999?source=INSTORE', org],
      ['/v2/customers/abc?source=INSTORE', org],
    ] as const) {
      const res = await api.put(url, body, as);
      expect(res.status).toBe(404);
      expect(res.body.errors[0].code).toBe(8009);
    }
    const [profile] = (await api.get(`/v2/customers/${customer.id}?source=INSTORE`, org)).body.profiles;
    expect(profile.firstName).toBe('Tom');
  });

  it("updates a merged customer's survivor, with an 8069 warning naming it", async () => {
    const survivor = await registerCustomer(api, org);
    const victim = await registerCustomer(api, org, { source: 'MARTJACK' });
    const merged = await api.post(`/v2/customers/${victim.id}/changeIdentifier?source=MARTJACK`, { add: [{ type: 'email', value: survivor.email }] }, org);
    expect(merged.body.warnings[0].code).toBe(8051);
    const res = await api.put(`/v2/customers/${victim.id}?source=MARTJACK`, { profiles: [{ firstName: 'Merged' }] }, org);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ createdId: survivor.id, warnings: [{ code: 8069, message: expect.stringContaining(`user id ${survivor.id}`) }] });
    const profiles = (await api.get(`/v2/customers/${survivor.id}?source=MARTJACK`, org)).body.profiles;
    expect(profiles[0].firstName).toBe('Merged');
  });
});
