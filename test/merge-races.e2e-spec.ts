import { verifyConsentLedger } from '@app/domain';
import { registerCustomer, TestApi, TestOrg } from '@app/testing';

/**
 * Opt-outs written while a merge is in progress, to the customers being merged and to one merged
 * earlier, must all land on the survivor: none may fail, none may be lost. (A writer that locked
 * an older victim before its survivor deadlocked with the merge re-pointing that victim.)
 */
describe('opt-outs racing a merge', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('merge-race');
  });
  afterAll(async () => {
    expect((await verifyConsentLedger(api.dataSource, [org.orgId])).mismatches).toEqual([]);
    await api.close();
  });

  const attach = (id: number, email: string) => api.post(`/v1/customers/${id}/identities`, { type: 'email', value: email }, org);

  it.each([1, 2, 3])('round %i: every opt-out is kept on the survivor', async () => {
    const [survivor, victim, older] = [await registerCustomer(api, org), await registerCustomer(api, org), await registerCustomer(api, org)];
    expect((await attach(victim.id, older.email)).status).toBe(201); // older is merged into victim

    const writes = Array.from({ length: 60 }, (_, i) => {
      const target = i % 2 ? older.id : victim.id;
      return i % 4 < 2
        ? api.put(`/v1/customers/${target}/consents`, { channel: 'SMS', topic: `put-${i}`, status: 'OPTOUT' }, org)
        : api.post('/v1/events', { events: [{ type: 'SMS_OPT_OUT', customerId: target, channel: 'SMS', topic: `ingest-${i}` }] }, org);
    });
    const [merge, ...answers] = await Promise.all([attach(survivor.id, victim.email), ...writes]);

    expect(merge.status).toBe(201);
    expect(answers.map((a) => a.status).filter((s) => s >= 300)).toEqual([]);
    const optedOut: Array<{ topic: string }> = await api.dataSource.query(
      "SELECT topic FROM consents WHERE customer_id = $1 AND channel = 'SMS' AND status = 'OPTOUT' ORDER BY topic",
      [survivor.id],
    );
    expect(optedOut).toHaveLength(60);
  });
});
