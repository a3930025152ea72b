import { registerCustomer, rowsOf, TestApi, TestOrg } from '@app/testing';

/**
 * UNSUBSCRIBE_SIGNING_KEYS rotation: the first key signs, all verify. A link signed by a key that
 * was dropped is refused like a tampered one.
 */
describe('unsubscribe link keys', () => {
  const OLD = `old:${'o'.repeat(40)}`;
  const NEW = `new:${'n'.repeat(40)}`;
  const started: TestApi[] = [];

  /** An API started with these signing keys (the configuration is read when an app is built). */
  async function apiWithKeys(keys: string): Promise<TestApi> {
    process.env.UNSUBSCRIBE_SIGNING_KEYS = keys;
    try {
      const api = await TestApi.start();
      started.push(api);
      return api;
    } finally {
      delete process.env.UNSUBSCRIBE_SIGNING_KEYS;
    }
  }
  afterAll(async () => {
    for (const api of started) await api.close();
  });

  const mint = async (api: TestApi, org: TestOrg, customerId: number, email: string) => {
    const res = await api.post('/v1/unsubscribe-links', { items: [{ customerId, channel: 'EMAIL', topic: 'BULK', address: email }] }, org);
    return new URL(res.body.items[0].oneClickUrl).pathname;
  };
  const oneClick = (api: TestApi, path: string) =>
    api.request({ method: 'POST', url: path, body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const optOuts = async (api: TestApi, id: number) => (await rowsOf(api, 'consent_ledger', id)).filter((r: any) => r.status === 'OPTOUT').length;

  it('a link signed by the old key works while it is listed after the new one, and is refused once it is dropped', async () => {
    const before = await apiWithKeys(OLD);
    const org = await before.createOrg('keys');
    const first = await registerCustomer(before, org);
    const second = await registerCustomer(before, org);
    const oldLinks = [await mint(before, org, first.id, first.email), await mint(before, org, second.id, second.email)];
    expect(oldLinks[0]).toMatch(/^\/u\/old\./);

    const rotating = await apiWithKeys(`${NEW},${OLD}`);
    expect(await mint(rotating, org, first.id, first.email)).toMatch(/^\/u\/new\./);
    expect((await oneClick(rotating, oldLinks[0])).status).toBe(200);
    expect(await optOuts(rotating, first.id)).toBe(1);

    const rotated = await apiWithKeys(NEW);
    expect((await oneClick(rotated, oldLinks[1])).status).toBe(200);
    expect(await optOuts(rotated, second.id)).toBe(0);
    expect((await rotated.get(oldLinks[1].replace(/\/one-click$/, ''))).status).toBe(404);
  });
});
