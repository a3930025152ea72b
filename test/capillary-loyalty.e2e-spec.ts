import { TestApi, TestOrg, registerCustomer } from '@app/testing';

/** The page's loyaltyDetails sample, program by program (as the points engine sends them). */
const GOLD = {
  redeemed: 200,
  expired: 0,
  returned: 1100.2139892578125,
  adjusted: 50,
  lifetimePoints: 500,
  loyaltyPoints: 350,
  cumulativePurchases: 8500,
  loyaltyId: 52350728,
  currentSlab: 'Gold',
  nextSlab: 'Platinum',
  nextSlabSerialNumber: 3,
  nextSlabDescription: 'Platinum tier',
  slabSNo: 2,
  slabExpiryDate: '2117-12-29T23:59:59+05:30',
};
const PLATINUM = {
  redeemed: 2500,
  expired: 300,
  returned: 102.68399810791016,
  adjusted: 30,
  lifetimePoints: 5000,
  loyaltyPoints: 2200,
  cumulativePurchases: 43560,
  loyaltyId: 52350728,
  currentSlab: 'Platinum',
  nextSlab: 'Star',
  nextSlabSerialNumber: -1,
  nextSlabDescription: 'Top level tier',
  slabSNo: 1,
  slabExpiryDate: '2117-12-29T23:59:59+05:30',
};

describe('Loyalty figures: native PUT /v1/customers/{id}/loyalty/{programId}, Capillary loyaltyDetails and fetch embeds', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('cap-loyalty');
  });
  afterAll(() => api.close());

  const store = (id: number | string, programId: number | string, figures: unknown, as = org) => api.put(`/v1/customers/${id}/loyalty/${programId}`, figures, as);
  const loyaltyRows = async () =>
    (await api.dataSource.query('SELECT count(*)::int AS n, max(updated_at) AS at FROM customer_loyalty_programs WHERE org_id = $1', [org.orgId]))[0];

  it("stores each program's figures and serves them in the page's loyaltyDetails shape", async () => {
    const customer = await registerCustomer(api, org);
    // Stored out of order: the read lists programs by id.
    const platinum = await store(customer.id, 1223, PLATINUM);
    expect(platinum.status).toBe(200);
    expect(platinum.body).toEqual({ customerId: customer.id, programId: 1223, ...PLATINUM, updatedAt: expect.any(String) });
    expect((await store(customer.id, 1219, GOLD)).status).toBe(200);

    const details = await api.get(`/v2/customers/${customer.id}/loyaltyDetails`, org);
    expect(details.status).toBe(200);
    expect(details.body).toEqual({
      data: [
        { ...GOLD, programId: 1219 },
        { ...PLATINUM, programId: 1223 },
      ],
      warnings: [],
      errors: [],
    });
    const one = await api.get(`/v2/customers/${customer.id}/loyaltyDetails?programId=1223`, org);
    expect(one.body.data).toEqual([{ ...PLATINUM, programId: 1223 }]);
    expect((await api.get(`/v2/customers/${customer.id}/loyaltyDetails?programId=7`, org)).body.data).toEqual([]);
  });

  it('replaces a program whole on the next write, and gives a customer with no figures an empty data', async () => {
    const customer = await registerCustomer(api, org);
    expect((await api.get(`/v2/customers/${customer.id}/loyaltyDetails`, org)).body).toEqual({ data: [], warnings: [], errors: [] });
    await store(customer.id, 5, GOLD);
    const replaced = await store(customer.id, 5, { loyaltyPoints: 10 });
    expect(replaced.status).toBe(200);
    const [program] = (await api.get(`/v2/customers/${customer.id}/loyaltyDetails`, org)).body.data;
    expect(program).toEqual({
      redeemed: 0,
      expired: 0,
      returned: 0,
      adjusted: 0,
      lifetimePoints: 0,
      loyaltyPoints: 10,
      cumulativePurchases: 0,
      loyaltyId: null,
      currentSlab: '',
      nextSlab: '',
      nextSlabSerialNumber: -1,
      nextSlabDescription: '',
      slabSNo: null,
      slabExpiryDate: null,
      programId: 5,
    });
  });

  it('refuses bad figures with a 400 and stores nothing', async () => {
    const customer = await registerCustomer(api, org);
    const before = await loyaltyRows();
    const bad: Array<[string | number, unknown]> = [
      [1, { loyaltyPoints: 'many' }],
      [1, { slabExpiryDate: 'next year' }],
      [1, { nextSlabSerialNumber: -2 }],
      [1, { loyaltyId: 1.5 }],
      [1, { unknownField: 1 }],
      [1, { redeemed: 1e16 }],
      [1, { lifetimePoints: null }],
      ['0', GOLD],
      ['abc', GOLD],
    ];
    for (const [programId, figures] of bad) {
      const res = await store(customer.id, programId, figures);
      expect({ programId, figures, status: res.status, code: res.body.error?.code }).toEqual({ programId, figures, status: 400, code: 'INVALID_REQUEST' });
    }
    expect(await loyaltyRows()).toEqual(before);
  });

  it("answers 404 for another org's customer on both routes, and stores nothing", async () => {
    const customer = await registerCustomer(api, org);
    await store(customer.id, 1219, GOLD);
    const other = await api.createOrg('cap-loyalty-other');
    const before = await loyaltyRows();
    const write = await store(customer.id, 1219, PLATINUM, other);
    expect(write.status).toBe(404);
    expect(write.body.error.code).toBe('CUSTOMER_NOT_FOUND');
    expect(await loyaltyRows()).toEqual(before);
    const read = await api.get(`/v2/customers/${customer.id}/loyaltyDetails`, other);
    expect(read.status).toBe(404);
    expect(read.body.errors[0].code).toBe(8015);
    const fetched = await api.get(`/v2/customers/${customer.id}?source=ALL&embed=points`, other);
    expect(fetched.status).toBe(404);
    expect(fetched.body.errors[0].code).toBe(8015);
  });

  it("a merge brings the victim's programs to the survivor; where both have one, the survivor's figures stay", async () => {
    const survivor = await registerCustomer(api, org);
    const victim = await registerCustomer(api, org, { source: 'MARTJACK' });
    await store(survivor.id, 1223, PLATINUM);
    await store(victim.id, 1223, GOLD);
    await store(victim.id, 1219, GOLD);
    await api.post(`/v2/customers/${victim.id}/changeIdentifier?source=MARTJACK`, { add: [{ type: 'email', value: survivor.email }] }, org);
    const programs = (await api.get(`/v2/customers/${survivor.id}/loyaltyDetails`, org)).body.data;
    expect(programs.map((p: { programId: number; currentSlab: string }) => [p.programId, p.currentSlab])).toEqual([
      [1219, GOLD.currentSlab],
      [1223, PLATINUM.currentSlab],
    ]);
  });

  it("reads a merged customer's figures as 8069; writes land on the survivor", async () => {
    const survivor = await registerCustomer(api, org);
    const victim = await registerCustomer(api, org, { source: 'MARTJACK' });
    await api.post(`/v2/customers/${victim.id}/changeIdentifier?source=MARTJACK`, { add: [{ type: 'email', value: survivor.email }] }, org);
    const read = await api.get(`/v2/customers/${victim.id}/loyaltyDetails`, org);
    expect(read.status).toBe(404);
    expect(read.body.errors[0]).toEqual({ code: 8069, message: expect.stringContaining(`user id ${survivor.id}`) });
    const write = await store(victim.id, 1219, GOLD);
    expect(write.body).toMatchObject({ customerId: survivor.id, mergedInto: survivor.id });
    expect((await api.get(`/v2/customers/${survivor.id}/loyaltyDetails`, org)).body.data).toHaveLength(1);
  });

  describe('GET /v2/customers/{id}?embed=', () => {
    it('adds the points summary and the per-program details to loyaltyInfo, with subscriptions, in any combination', async () => {
      const customer = await registerCustomer(api, org);
      await store(customer.id, 1223, PLATINUM);
      await store(customer.id, 1219, GOLD);
      const all = await api.get(`/v2/customers/${customer.id}?source=INSTORE&embed=points,subscriptions,mlp`, org);
      expect(all.status).toBe(200);
      const { programId: _, ...goldSummary } = { ...GOLD, programId: 0 };
      expect(all.body.loyaltyInfo).toMatchObject({
        loyaltyType: 'non_loyalty',
        pointsSummary: goldSummary,
        loyaltyProgramDetails: [
          { ...GOLD, programId: 1219 },
          { ...PLATINUM, programId: 1223 },
        ],
      });
      expect(all.body.subscriptionInfo.subscriptions).toEqual(expect.arrayContaining([{ channel: 'EMAIL', accountId: '', priority: 'TRANS', type: 'OPTIN' }]));

      const points = await api.get(`/v2/customers/${customer.id}?source=INSTORE&embed="points"`, org);
      expect(points.body.loyaltyInfo.pointsSummary).toEqual(goldSummary);
      expect(points.body.loyaltyInfo.loyaltyProgramDetails).toBeUndefined();
      expect(points.body.subscriptionInfo).toBeUndefined();
      const mlp = await api.get(`/v2/customers/${customer.id}?source=ALL&embed=mlp`, org);
      expect(mlp.body.loyaltyInfo.pointsSummary).toBeUndefined();
      expect(mlp.body.loyaltyInfo.loyaltyProgramDetails).toHaveLength(2);
    });

    it("gives a customer without figures the page's zero summary and no programs", async () => {
      const customer = await registerCustomer(api, org);
      const res = await api.get(`/v2/customers/${customer.id}?source=ALL&embed=points,mlp`, org);
      expect(res.body.loyaltyInfo.pointsSummary).toMatchObject({ loyaltyPoints: 0, currentSlab: '', nextSlabSerialNumber: -1 });
      expect(res.body.loyaltyInfo.loyaltyProgramDetails).toEqual([]);
    });

    it('answers an unknown embed value with a 400 naming it', async () => {
      const customer = await registerCustomer(api, org);
      const res = await api.get(`/v2/customers/${customer.id}?source=ALL&embed=points,coupons`, org);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ code: 1100, message: expect.stringContaining('Unknown embed coupons') }]);
    });

    it('answers 8012 for an invalid source and 8045 without an account on fetch, 8011 on lookup', async () => {
      const customer = await registerCustomer(api, org);
      const fetch = await api.get(`/v2/customers/${customer.id}?source=SHOPIFY&embed=points`, org);
      expect(fetch.status).toBe(400);
      expect(fetch.body.errors[0].code).toBe(8012);
      const noAccount = await api.get(`/v2/customers/${customer.id}?source=FACEBOOK`, org);
      expect(noAccount.body.errors[0].code).toBe(8045);
      const lookup = await api.get(`/v2/customers/lookup?source=SHOPIFY&identifierName=email&identifierValue=${customer.email}`, org);
      expect(lookup.body.errors[0].code).toBe(8011);
      const lookupAll = await api.get(`/v2/customers/lookup?source=ALL&identifierName=email&identifierValue=${customer.email}`, org);
      expect(lookupAll.body.entity).toBe(customer.id);
    });
  });

  it('lists the new routes in the OpenAPI document, with request and response schemas', async () => {
    const doc = (await api.get('/docs/json')).body;
    const schemaOf = (ref: { $ref?: string; items?: { $ref?: string } }) => (ref.$ref ?? ref.items?.$ref ?? '').split('/').pop();
    const ok = (path: string, method: string) => schemaOf(doc.paths[path][method].responses['200'].content['application/json'].schema);
    expect(ok('/v2/customers/{id}', 'put')).toBe('UpdateCustomerResponseDto');
    expect(schemaOf(doc.paths['/v2/customers/{id}'].put.requestBody.content['application/json'].schema)).toBe('UpdateCustomerDto');
    expect(ok('/v2/customers/search', 'get')).toBe('SearchResponseDto');
    expect(ok('/v2/customers/{id}/loyaltyDetails', 'get')).toBe('LoyaltyDetailsResponseDto');
    expect(ok('/v2/customers/{id}', 'get')).toBe('CustomerResponseDto');
    expect(ok('/v1/customers/{id}/loyalty/{programId}', 'put')).toBe('LoyaltyProgramResponseDto');
    expect(schemaOf(doc.paths['/v1/customers/{id}/loyalty/{programId}'].put.requestBody.content['application/json'].schema)).toBe('LoyaltyFiguresDto');
    expect(Object.keys(doc.components.schemas.UpdateCommChannelDto.properties)).toEqual(['type', 'value', 'primary', 'verified', 'meta']);
    expect(doc.paths['/v2/customers/search'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ['accountId', 'limit', 'offset', 'q', 'source'].sort(),
    );
  });
});
