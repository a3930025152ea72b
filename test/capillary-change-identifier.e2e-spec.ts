import { registerCustomer, TestApi, TestOrg, uniqueEmail, uniqueMobile } from '@app/testing';

/** Capillary v2 `changeIdentifier` (seed 001): add and remove identifiers; a shared one merges. */
describe('Capillary v2 changeIdentifier', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('change-identifier');
  });
  afterAll(() => api.close());

  const change = (id: number | string, query: string, body: unknown) => api.post(`/v2/customers/${id}/changeIdentifier?${query}`, body, org);
  const identifiersOf = async (id: number) =>
    (await api.get(`/v2/customers/${id}?source=ALL`, org)).body.profiles.flatMap((p: { source: string; identifiers: unknown[] }) =>
      p.identifiers.map((i) => ({ source: p.source, ...(i as object) })),
    );
  const errorOf = (res: { body: { errors: Array<{ code: number; message: string }> } }) => res.body.errors[0];

  it("applies the page's sample: adds a wechat id and removes the email in a WECHAT account", async () => {
    const customer = await registerCustomer(api, org, { source: 'WECHAT', accountId: '22232', email: 'tom.sawyer@example.com' });
    const res = await change(customer.id, 'source=WECHAT&accountId=22232', {
      add: [{ type: 'wechat', value: 'ray11' }],
      remove: [{ type: 'email', value: 'tom.sawyer@example.com' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, warnings: [] });
    expect(await identifiersOf(customer.id)).toEqual([
      { source: 'WECHAT', type: 'mobile', value: customer.mobile },
      { source: 'WECHAT', type: 'wechat', value: 'ray11' },
    ]);
  });

  it('reads a null list as none, and answers 8009 for an id no customer can have', async () => {
    const customer = await registerCustomer(api, org);
    const res = await change(customer.id, 'source=INSTORE', { add: [{ type: 'externalId', value: `x-${customer.id}` }], remove: null });
    expect(res.status).toBe(200);
    expect((await change(customer.id, 'source=INSTORE', { add: null })).status).toBe(200);
    for (const id of ['99999999999999999999', '0x1', '1e3']) {
      const bad = await change(id, 'source=INSTORE', { add: [{ type: 'externalId', value: 'x' }] });
      expect(bad.status).toBe(404);
      expect(errorOf(bad).code).toBe(8009);
    }
  });

  it('adds identifiers in a source the customer had no profile in', async () => {
    const customer = await registerCustomer(api, org);
    const email = uniqueEmail();
    expect((await change(customer.id, 'source=MARTJACK', { add: [{ type: 'email', value: email }] })).body).toEqual({ success: true, warnings: [] });
    expect(await identifiersOf(customer.id)).toContainEqual({ source: 'MARTJACK', type: 'email', value: email });
  });

  it('merges the customer (victim) into the one holding the identifier in another source (survivor): 8051, then 8069 and 8053', async () => {
    const survivor = await registerCustomer(api, org, { source: 'MARTJACK' });
    const victim = await registerCustomer(api, org);
    const res = await change(victim.id, 'source=INSTORE', { add: [{ type: 'mobile', value: survivor.mobile }] });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.warnings).toEqual([
      { code: 8051, message: `Same identifier found in other source. Merging into the account with user id ${survivor.id}` },
    ]);
    // The victim's identifiers moved; the added one sits in the source it was asked for.
    expect(await identifiersOf(survivor.id)).toEqual(
      expect.arrayContaining([
        { source: 'INSTORE', type: 'mobile', value: victim.mobile },
        { source: 'INSTORE', type: 'mobile', value: survivor.mobile },
        { source: 'MARTJACK', type: 'mobile', value: survivor.mobile },
      ]),
    );
    const lookup = await api.get(`/v2/customers/lookup?source=INSTORE&identifierName=email&identifierValue=${victim.email}`, org);
    expect(lookup.body.entity).toBe(survivor.id);

    const fetched = await api.get(`/v2/customers/${victim.id}?source=ALL`, org);
    expect(fetched.status).toBe(404);
    expect(errorOf(fetched).code).toBe(8069);
    expect(errorOf(fetched).message).toContain(String(survivor.id));

    const again = await change(victim.id, 'source=INSTORE', { add: [{ type: 'email', value: uniqueEmail() }] });
    expect(errorOf(again)).toEqual({
      code: 8053,
      message: `Same identifier is registered on other source. The account is already merged with user id ${survivor.id}`,
    });
  });

  it('refuses, writing nothing: 8007, 8008, 8053 (two holders), 8045, 8009, 8055, 8056, and a removal of what it does not hold', async () => {
    const customer = await registerCustomer(api, org);
    const neighbour = await registerCustomer(api, org);
    const elsewhere1 = await registerCustomer(api, org, { source: 'MARTJACK' });
    const elsewhere2 = await registerCustomer(api, org, { source: 'MARTJACK' });
    const before = await identifiersOf(customer.id);
    const cases: Array<[string | number, string, unknown, number]> = [
      [customer.id, 'source=INSTORE', { add: [{ type: 'email', value: neighbour.email }] }, 8007],
      [customer.id, 'source=INSTORE', { add: [{ type: 'mobile', value: customer.mobile }] }, 8008],
      [customer.id, 'source=INSTORE', { add: [{ type: 'email', value: elsewhere1.email }, { type: 'email', value: elsewhere2.email }] }, 8053],
      [customer.id, 'source=WECHAT', { add: [{ type: 'wechat', value: 'wx-1' }] }, 8045],
      [999999999, 'source=INSTORE', { add: [{ type: 'email', value: uniqueEmail() }] }, 8009],
      ['abc', 'source=INSTORE', { add: [{ type: 'email', value: uniqueEmail() }] }, 8009],
      [customer.id, 'source=INSTORE', { add: [{ type: 'email', value: 'not-an-email' }] }, 8055],
      [customer.id, 'source=INSTORE', { add: [{ type: 'mobile', value: '12ab' }] }, 8056],
      [customer.id, 'source=INSTORE', { add: [{ type: 'email', value: uniqueEmail() }], remove: [{ type: 'mobile', value: uniqueMobile() }] }, 8013],
    ];
    for (const [id, query, body, code] of cases) {
      const res = await change(id, query, body);
      expect({ body, code: errorOf(res)?.code }).toEqual({ body, code });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    expect(await identifiersOf(customer.id)).toEqual(before);
    expect((await api.get(`/v2/customers/${elsewhere1.id}?source=ALL`, org)).status).toBe(200);
  });
});
