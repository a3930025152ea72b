import { ActorContext, Channel, ConsentsService, ConsentStatus } from '@app/domain';
import { registerCustomer, TestApi, TestOrg } from '@app/testing';

/**
 * POST /v1/consent/decisions must answer every question exactly as GET /v1/customers/{id}/consent
 * answers it (plus the customerId it is about), byte for byte in its JSON: the bulk path builds its
 * answers straight from the rows for speed, so this keeps the two from drifting apart. The fixture
 * covers every shape an answer takes: the default, channel-wide and address-level records in every
 * precedence case, several addresses, times given in other time zones, a merged customer, an
 * erased one, another org's, unknown ids, a record older than the ledger, a ledger entry older than
 * change times, other accounts and channels, and questions asked twice.
 */
describe('bulk decisions answer as the single decision does', () => {
  let api: TestApi;
  let org: TestOrg;
  let actor: ActorContext;
  /** Rows this spec writes around the domain, removed again so that state still replays from the ledger. */
  const cleanups: Array<() => Promise<unknown>> = [];

  const apply = (customerId: number, status: ConsentStatus, change: { channel?: Channel; address?: string; accountId?: string }, occurredAt?: string) =>
    api.app.get(ConsentsService).apply(actor, {
      customerId,
      createMissing: true,
      reason: `paths ${status}`,
      campaignId: 'camp-7',
      proof: { form: 'signup', nested: { ok: true, quote: 'say "hi"' } },
      occurredAt: occurredAt ? new Date(occurredAt) : undefined,
      changes: [{ channel: change.channel ?? Channel.EMAIL, topic: 'BULK', accountId: change.accountId ?? '', address: change.address ?? '', status }],
    });
  const channelWide = (id: number, type: 'OPTIN' | 'OPTOUT') =>
    api.post(`/v2/customers/${id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type }] }, org);

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('paths');
    actor = { orgId: org.orgId, apiKeyId: org.keyId, dialect: 'native' };
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await api.close();
  });

  it('gives each question, by id, the single endpoint answer with its customerId', async () => {
    const none = await registerCustomer(api, org);
    const optedOut = await registerCustomer(api, org);
    await channelWide(optedOut.id, 'OPTOUT');
    const flipped = await registerCustomer(api, org);
    await channelWide(flipped.id, 'OPTOUT');
    await channelWide(flipped.id, 'OPTIN');

    // Address against channel, in every order, with times given in other time zones.
    const addressOut = await registerCustomer(api, org);
    await apply(addressOut.id, ConsentStatus.OPTIN, {}, '2026-03-29T01:30:00+02:00');
    await apply(addressOut.id, ConsentStatus.HARDBOUNCED, { address: 'Tom@Example.com' }, '2026-03-28T20:00:00-05:00');
    const laterOptIn = await registerCustomer(api, org);
    await apply(laterOptIn.id, ConsentStatus.OPTOUT, {}, '2026-01-01T10:00:00.123+05:30');
    await apply(laterOptIn.id, ConsentStatus.OPTIN, { address: 'later@example.com' }, '2026-01-02T10:00:00.456Z');
    await apply(laterOptIn.id, ConsentStatus.OPTIN, { address: 'earlier@example.com' }, '2025-12-31T10:00:00Z');
    await apply(laterOptIn.id, ConsentStatus.OPTOUT, { address: 'blocked@example.com' }, '2025-12-30T10:00:00Z');
    const sameTime = await registerCustomer(api, org);
    await apply(sameTime.id, ConsentStatus.OPTOUT, {}, '2026-02-01T00:00:00Z');
    await apply(sameTime.id, ConsentStatus.OPTIN, { address: 'same@example.com' }, '2026-02-01T01:00:00+01:00');
    const onlyAddresses = await registerCustomer(api, org);
    await apply(onlyAddresses.id, ConsentStatus.OPTIN, { address: 'b@example.com' });
    await apply(onlyAddresses.id, ConsentStatus.COMPLAINED, { address: 'a@example.com' });
    await apply(onlyAddresses.id, ConsentStatus.OPTIN, { address: 'c@example.com', accountId: 'acc-1' });
    const sms = await registerCustomer(api, org);
    await apply(sms.id, ConsentStatus.OPTOUT, { channel: Channel.SMS, address: sms.mobile });

    // A merged customer (answered by its survivor), an erased one, another org's.
    const victim = await registerCustomer(api, org);
    await api.dataSource.query('UPDATE customers SET merged_into = $1, merged_at = now() WHERE id = $2', [laterOptIn.id, victim.id]);
    const erased = await registerCustomer(api, org);
    await channelWide(erased.id, 'OPTOUT');
    await api.dataSource.query('UPDATE customers SET erased_at = now() WHERE id = $1', [erased.id]);
    const otherOrg = await api.createOrg('paths-other');
    const foreign = await registerCustomer(api, otherOrg);

    // A record older than the ledger (no entry set it), and an entry written before changes carried a time.
    const legacy = await registerCustomer(api, org);
    await api.dataSource.query(
      `INSERT INTO consents (org_id, customer_id, channel, topic, account_id, address, status, occurred_at, updated_at)
       VALUES ($1, $2, 'EMAIL', 'BULK', '', '', 'OPTOUT', '2020-05-05 05:05:05.555+00', '2020-05-06 06:06:06.666+00')`,
      [org.orgId, legacy.id],
    );
    cleanups.push(() => api.dataSource.query('DELETE FROM consents WHERE org_id = $1 AND customer_id = $2', [org.orgId, legacy.id]));
    const untimed = await registerCustomer(api, org);
    await api.dataSource.transaction(async (manager) => {
      const [entry] = await manager.query(
        `INSERT INTO consent_ledger (org_id, customer_id, channel, topic, previous_status, status, dialect, reason)
         VALUES ($1, $2, 'EMAIL', 'BULK', 'OPTIN', 'OPTOUT', 'capillary-v2', 'before times') RETURNING id, created_at`,
        [org.orgId, untimed.id],
      );
      await manager.query(
        `INSERT INTO consents (org_id, customer_id, channel, topic, status, last_ledger_id, occurred_at) VALUES ($1, $2, 'EMAIL', 'BULK', 'OPTOUT', $3, $4)`,
        [org.orgId, untimed.id, entry.id, entry.created_at],
      );
    });

    const ids = [none, optedOut, flipped, addressOut, laterOptIn, sameTime, onlyAddresses, sms, victim, erased, foreign, legacy, untimed].map((c) => c.id);
    const variants: Array<Record<string, string>> = [
      { channel: 'EMAIL', topic: 'BULK' },
      { channel: 'email', topic: ' BULK ' },
      { channel: 'EMAIL', topic: 'BULK', address: ' TOM@example.com' },
      { channel: 'EMAIL', topic: 'BULK', address: 'later@example.com' },
      { channel: 'EMAIL', topic: 'BULK', address: 'same@example.com' },
      { channel: 'EMAIL', topic: 'BULK', address: 'nobody@example.com' },
      { channel: 'EMAIL', topic: 'BULK', accountId: 'acc-1' },
      { channel: 'EMAIL', topic: 'BULK', accountId: 'acc-1', address: 'c@example.com' },
      { channel: 'SMS', topic: 'BULK' },
      { channel: 'SMS', topic: 'BULK', address: sms.mobile },
      { channel: 'EMAIL', topic: 'TRANS' },
    ];
    const asked = [...ids, 999_999_999].flatMap((customerId) => variants.map((v) => ({ customerId, ...v })));
    const questions = [...asked, ...asked.slice(0, 40)]; // asked twice: both places answered

    const res = await api.post('/v1/consent/decisions', { questions }, org);
    expect(res.status).toBe(200);
    expect(res.body.decisions).toHaveLength(questions.length);
    const kinds = new Set<string>();
    for (const [i, { customerId, ...query }] of questions.entries()) {
      const single = await api.get(`/v1/customers/${customerId}/consent?${new URLSearchParams(query)}`, org);
      const item = res.body.decisions[i];
      if (single.status === 404) {
        expect(item).toEqual({ error: { code: 'CUSTOMER_NOT_FOUND', message: expect.any(String) } });
        kinds.add('unknown');
        continue;
      }
      expect(single.status).toBe(200);
      // Key order too: the JSON text is what a client's parser sees.
      expect(JSON.stringify(item)).toBe(JSON.stringify({ customerId: item.customerId, ...single.body }));
      kinds.add(single.body.decidedBy?.level ?? 'default');
      if (single.body.mergedInto) kinds.add('merged');
      if (single.body.decidedBy?.ledgerEntry === null) kinds.add('no ledger entry');
      if (single.body.addresses?.length > 1) kinds.add('several addresses');
    }
    // The fixture did reach every shape.
    expect([...kinds].sort()).toEqual(['address', 'channel', 'default', 'merged', 'no ledger entry', 'several addresses', 'unknown']);
  });

  it('answers single questions asked at once, from two orgs, each as it is answered alone', async () => {
    // Concurrent small requests share one statement; each must still see its own org only.
    const otherOrg = await api.createOrg('paths-concurrent');
    const [ours, theirs] = await Promise.all([registerCustomer(api, org), registerCustomer(api, otherOrg)]);
    await channelWide(ours.id, 'OPTOUT');
    await api.post(`/v2/customers/${theirs.id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] }, otherOrg);
    const asks = [
      { as: org, id: ours.id, query: 'channel=EMAIL&topic=BULK' },
      { as: org, id: ours.id, query: 'channel=EMAIL&topic=TRANS' },
      { as: org, id: theirs.id, query: 'channel=EMAIL&topic=BULK' },
      { as: otherOrg, id: theirs.id, query: 'channel=EMAIL&topic=BULK' },
      { as: otherOrg, id: ours.id, query: 'channel=EMAIL&topic=BULK' },
      { as: otherOrg, id: theirs.id, query: 'channel=SMS&topic=BULK' },
    ];
    const ask = ({ as, id, query }: (typeof asks)[number]) => api.get(`/v1/customers/${id}/consent?${query}`, as);
    const alone: Array<Awaited<ReturnType<typeof ask>>> = [];
    for (const a of asks) alone.push(await ask(a));

    const together = await Promise.all(Array.from({ length: 5 }, () => asks.map(ask)).flat());

    expect(alone.map((r) => r.status)).toEqual([200, 200, 404, 200, 404, 200]);
    expect(alone.map((r) => r.body.status)).toEqual(['OPTOUT', 'OPTIN', undefined, 'OPTOUT', undefined, 'OPTIN']);
    expect(together.map((r) => [r.status, r.text])).toEqual([...Array(5)].flatMap(() => alone.map((r) => [r.status, r.text])));
  });
});
