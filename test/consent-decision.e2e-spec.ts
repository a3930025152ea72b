import { ActorContext, Channel, Consent, ConsentLedgerEntry, ConsentsService, ConsentStatus, QUESTION_RECORDS_SQL } from '@app/domain';
import { registerCustomer, TestApi, TestOrg } from '@app/testing';
import { randomBytes, randomInt } from 'node:crypto';

/**
 * The precedence rule through GET /v1/customers/{id}/consent and POST /v1/consent/decisions.
 * Capillary writes channel-wide records; the address-level ones are written through the domain
 * service, as a dialect would, or through WM and Altcraft themselves.
 */
describe('GET /v1/customers/{id}/consent (may I send?)', () => {
  let api: TestApi;
  let org: TestOrg;
  let actor: ActorContext;
  const EMAIL = 'Tom@Example.com';

  const channelWide = (id: number, type: 'OPTIN' | 'OPTOUT') =>
    api.post(`/v2/customers/${id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type }] }, org);
  const atAddress = (id: number, status: ConsentStatus, occurredAt?: Date) =>
    api.app.get(ConsentsService).apply(actor, {
      customerId: id,
      createMissing: true,
      reason: `address ${status}`,
      occurredAt,
      changes: [{ channel: Channel.EMAIL, topic: 'BULK', accountId: '', address: EMAIL, status }],
    });
  const decide = (questions: unknown[], as = org) => api.post('/v1/consent/decisions', { questions }, as);
  const question = (customer: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...customer, channel: 'EMAIL', topic: 'BULK', ...extra });
  const ask = (id: number, query = `channel=email&topic=BULK&address=${encodeURIComponent(EMAIL.toLowerCase())}`, as = org) =>
    api.get(`/v1/customers/${id}/consent?${query}`, as);

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('consent');
    actor = { orgId: org.orgId, apiKeyId: org.keyId, dialect: 'native' };
  });
  afterAll(() => api.close());

  it('allows by the implicit default when no record applies', async () => {
    const { id } = await registerCustomer(api, org);
    const res = await ask(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ allowed: true, status: 'OPTIN', decidedBy: null });
  });

  it('channel opt-in against an address opt-out: the address opt-out decides, in either order', async () => {
    for (const order of ['channel first', 'address first']) {
      const { id } = await registerCustomer(api, org);
      if (order === 'channel first') {
        await channelWide(id, 'OPTOUT');
        await channelWide(id, 'OPTIN');
        await atAddress(id, ConsentStatus.OPTOUT);
      } else {
        await atAddress(id, ConsentStatus.OPTOUT);
        await channelWide(id, 'OPTOUT');
        await channelWide(id, 'OPTIN');
      }
      const res = await ask(id);
      expect(res.body).toMatchObject({
        allowed: false,
        status: 'OPTOUT',
        decidedBy: { level: 'address', channel: 'EMAIL', topic: 'BULK', address: 'tom@example.com', ledgerEntry: { reason: 'address OPTOUT', dialect: 'native', status: 'OPTOUT' } },
      });
    }
  });

  it('channel opt-out against an older address opt-in: the channel opt-out decides', async () => {
    const { id } = await registerCustomer(api, org);
    await atAddress(id, ConsentStatus.OPTIN);
    await channelWide(id, 'OPTOUT');
    const res = await ask(id);
    expect(res.body).toMatchObject({
      allowed: false,
      status: 'OPTOUT',
      decidedBy: { level: 'channel', address: '', ledgerEntry: { dialect: 'capillary-v2', previousStatus: null, status: 'OPTOUT' } },
    });
  });

  it('channel opt-out against a later address opt-in: the more specific, more recent opt-in decides', async () => {
    const { id } = await registerCustomer(api, org);
    await channelWide(id, 'OPTOUT');
    await atAddress(id, ConsentStatus.OPTIN);
    expect((await ask(id)).body).toMatchObject({ allowed: true, status: 'OPTIN', decidedBy: { level: 'address' } });
    // Without an address the channel-wide opt-out forbids the whole; the address keeps its own answer.
    expect((await ask(id, 'channel=EMAIL&topic=BULK')).body).toMatchObject({
      allowed: false,
      decidedBy: { level: 'channel' },
      addresses: [{ address: 'tom@example.com', allowed: true, decidedBy: { level: 'address' } }],
    });
  });

  it('orders a channel opt-out and an address opt-in by when they happened, not by when they arrived', async () => {
    const { id } = await registerCustomer(api, org);
    await channelWide(id, 'OPTOUT');
    // Recorded after the channel-wide opt-out, but it happened an hour before it.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await atAddress(id, ConsentStatus.OPTIN, anHourAgo);
    const res = await ask(id);
    expect(res.body).toMatchObject({ allowed: false, status: 'OPTOUT', decidedBy: { level: 'channel', address: '' } });
    const without = await ask(id, 'channel=EMAIL&topic=BULK');
    expect(without.body.addresses).toEqual([
      expect.objectContaining({ address: 'tom@example.com', allowed: false, status: 'OPTOUT', decidedBy: expect.objectContaining({ level: 'channel' }) }),
    ]);
    // decidedBy says when each change happened, on the record and on its ledger entry.
    const addressOnly = await decide([question({ customerId: id }, { address: EMAIL })]);
    expect(addressOnly.body.decisions[0].decidedBy.occurredAt).toBe(res.body.decidedBy.occurredAt);
    expect(Date.parse(res.body.decidedBy.ledgerEntry.occurredAt)).toBe(Date.parse(res.body.decidedBy.occurredAt));
  });

  it("answers an Altcraft subscription with its proof, by the customer id Altcraft's answer carries", async () => {
    const set = await api.post('/api/v1.1/subscriptions/set', {
      token: org.key, db_id: 1, profile_id: 'decide-1', resource_id: 7, channel: 'sms', phone: '+79000000009', status: 'suspended', ip: '203.0.113.7',
    });
    const res = await ask(Number(set.headers['optline-customer-id']), 'channel=SMS&topic=7&address=%2B7%20900%20000-00-09');
    expect(res.body).toMatchObject({ allowed: false, status: 'SUSPENDED', decidedBy: { level: 'address', ledgerEntry: { dialect: 'altcraft', proof: { ip: '203.0.113.7' } } } });
  });

  describe('a question without an address sees every address-level record', () => {
    const wm = (wmCustomerId: string, selections: Array<{ value: string; type: string; is_opt_in: 'Y' | 'N' }>) =>
      api.put(
        `/api/v1/customers/${wmCustomerId}/communication-preferences`,
        { preferences: [{ category: 'Promotions', channels: [{ name: 'Text', selections }] }], audit_info: { modified_by: 'janet' } },
        org,
        { 'request-tracking-id': 't-1', clientid: 'wm-portal' },
      );

    it('answers allowed false when one phone is opted out through WM, and lists both phones with their own answers', async () => {
      const res = await wm(String(randomInt(1, 2 ** 47)), [
        { value: '+79000000011', type: 'BPHONE', is_opt_in: 'Y' },
        { value: '+79000000012', type: 'MPHONE', is_opt_in: 'N' },
      ]);
      expect(res.status).toBe(200);
      const id = Number(res.headers['optline-customer-id']);

      const whole = await ask(id, 'channel=SMS&topic=Promotions');
      expect(whole.status).toBe(200);
      expect(whole.body).toMatchObject({
        allowed: false,
        status: 'OPTOUT',
        decidedBy: { level: 'address', address: '+79000000012', addressType: 'MPHONE', ledgerEntry: { dialect: 'wm', actor: 'janet' } },
      });
      expect(whole.body.addresses).toEqual([
        {
          address: '+79000000011',
          allowed: true,
          status: 'OPTIN',
          decidedBy: expect.objectContaining({ level: 'address', address: '+79000000011', occurredAt: expect.any(String) }),
        },
        { address: '+79000000012', allowed: false, status: 'OPTOUT', decidedBy: expect.objectContaining({ level: 'address' }) },
      ]);
      // Asked for one phone, the answer is that phone's alone, as before.
      const allowedPhone = await ask(id, 'channel=SMS&topic=Promotions&address=%2B79000000011');
      expect(allowedPhone.body).toMatchObject({ allowed: true, decidedBy: { address: '+79000000011' } });
      expect(allowedPhone.body).not.toHaveProperty('addresses');
      // Another topic sees none of it.
      expect((await ask(id, 'channel=SMS&topic=Billing')).body).toEqual({ allowed: true, status: 'OPTIN', decidedBy: null, addresses: [] });
    });

    it('answers allowed false for an address unsubscribed through Altcraft, by the customer id in its answer', async () => {
      const set = await api.post('/api/v1.1/subscriptions/set', {
        token: org.key, db_id: 1, profile_id: `whole-${randomBytes(4).toString('hex')}`, resource_id: 7, channel: 'email', email: 'Ann@Example.com', status: 'unsubscribed',
      });
      expect(set.status).toBe(200);
      const res = await ask(Number(set.headers['optline-customer-id']), 'channel=EMAIL&topic=7');
      expect(res.body).toMatchObject({
        allowed: false,
        status: 'OPTOUT',
        decidedBy: { level: 'address', address: 'ann@example.com', ledgerEntry: { dialect: 'altcraft' } },
        addresses: [{ address: 'ann@example.com', allowed: false, status: 'OPTOUT' }],
      });
    });
  });

  it('validates the question in the native error body', async () => {
    const { id } = await registerCustomer(api, org);
    const fax = await ask(id, 'channel=FAX&topic=BULK');
    expect(fax.status).toBe(400);
    expect(fax.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'channel', message: expect.stringContaining('EMAIL') }] });
    const noTopic = await ask(id, 'channel=SMS');
    expect(noTopic.body.error.details[0].field).toBe('topic');
  });

  it('answers 401 without a key and 404 for another org or an unknown id', async () => {
    const { id } = await registerCustomer(api, org);
    const other = await api.createOrg('consent-other');
    expect((await api.get(`/v1/customers/${id}/consent?channel=SMS&topic=BULK`)).status).toBe(401);
    const foreign = await ask(id, 'channel=SMS&topic=BULK', other);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('CUSTOMER_NOT_FOUND');
    expect((await ask(999999999, 'channel=SMS&topic=BULK')).status).toBe(404);
    expect((await api.get('/v1/customers/abc/consent?channel=SMS&topic=BULK', org)).status).toBe(404);
  });

  describe('POST /v1/consent/decisions (an audience checked before a send)', () => {
    it('answers each question as the single endpoint would, in request order, by id or by identifier', async () => {
      const optedOut = await registerCustomer(api, org);
      const quiet = await registerCustomer(api, org);
      await channelWide(optedOut.id, 'OPTOUT');
      await atAddress(quiet.id, ConsentStatus.HARDBOUNCED);
      const questions = [
        question({ identifier: { type: 'email', value: quiet.email } }),
        question({ customerId: optedOut.id }),
        question({ identifier: { type: 'mobile', value: optedOut.mobile } }, { channel: 'sms' }),
        question({ customerId: quiet.id }, { address: EMAIL }),
        question({ customerId: 999999999 }),
        question({ identifier: { type: 'email', value: 'nobody@example.com' } }),
        question({ identifier: { type: 'mobile', value: Number(quiet.mobile) } }, { channel: 'SMS' }),
      ];
      const res = await decide(questions);
      expect(res.status).toBe(200);
      const unknown = { error: { code: 'CUSTOMER_NOT_FOUND', message: expect.any(String) } };
      expect(res.body.decisions).toEqual([
        expect.objectContaining({ customerId: quiet.id, allowed: false, status: 'HARDBOUNCED', addresses: [expect.objectContaining({ address: 'tom@example.com' })] }),
        expect.objectContaining({ customerId: optedOut.id, allowed: false, status: 'OPTOUT', addresses: [] }),
        { customerId: optedOut.id, allowed: true, status: 'OPTIN', decidedBy: null, addresses: [] },
        expect.objectContaining({ customerId: quiet.id, allowed: false, decidedBy: expect.objectContaining({ level: 'address', address: 'tom@example.com' }) }),
        unknown,
        unknown,
        expect.objectContaining({ customerId: quiet.id, allowed: true }),
      ]);
      // Each answer is the single endpoint's, plus the customer it is about.
      const single = await ask(optedOut.id, 'channel=EMAIL&topic=BULK');
      expect(res.body.decisions[1]).toEqual({ customerId: optedOut.id, ...single.body });
    });

    it('answers a question asked twice in each of its places, apart from the variants it is read with once', async () => {
      const { id } = await registerCustomer(api, org);
      await atAddress(id, ConsentStatus.OPTOUT);
      const whole = question({ customerId: id });
      const atTom = question({ customerId: id }, { address: EMAIL });
      const elsewhere = question({ customerId: id }, { address: 'other@example.com' });
      const nobody = question({ customerId: 999999998 });
      const res = await decide([whole, atTom, nobody, whole, elsewhere, atTom, nobody, elsewhere]);
      expect(res.status).toBe(200);
      const [w, t, n, w2, e, t2, n2, e2] = res.body.decisions;
      expect([w2, t2, n2, e2]).toEqual([w, t, n, e]);
      expect(w).toMatchObject({ allowed: false, addresses: [expect.objectContaining({ address: 'tom@example.com', allowed: false })] });
      expect(t).toMatchObject({ allowed: false, decidedBy: expect.objectContaining({ level: 'address' }) });
      expect(e).toMatchObject({ allowed: true, decidedBy: null });
      expect(n).toEqual({ error: expect.objectContaining({ code: 'CUSTOMER_NOT_FOUND' }) });
    });

    it('answers a full batch of 1,000 questions in order', async () => {
      const customers = await Promise.all([1, 2, 3].map(() => registerCustomer(api, org)));
      await channelWide(customers[1].id, 'OPTOUT');
      const questions = Array.from({ length: 1000 }, (_, i) =>
        i % 2 ? question({ customerId: customers[i % 3].id }) : question({ identifier: { type: 'email', value: customers[i % 3].email } }),
      );
      const res = await decide(questions);
      expect(res.status).toBe(200);
      expect(res.body.decisions).toHaveLength(1000);
      res.body.decisions.forEach((d: { customerId: number; allowed: boolean }, i: number) => {
        expect(d).toMatchObject({ customerId: customers[i % 3].id, allowed: i % 3 !== 1 });
      });
    });

    it("treats another org's customer as unknown, by id and by identifier", async () => {
      const mine = await registerCustomer(api, org);
      const other = await api.createOrg('consent-bulk-other');
      const res = await decide([question({ customerId: mine.id }), question({ identifier: { type: 'email', value: mine.email } })], other);
      expect(res.status).toBe(200);
      expect(res.body.decisions.map((d: { error?: { code: string } }) => d.error?.code)).toEqual(['CUSTOMER_NOT_FOUND', 'CUSTOMER_NOT_FOUND']);
    });

    it.each([
      ['more than 1,000 questions', Array.from({ length: 1001 }, () => question({ customerId: 1 })), 'questions'],
      ['no questions', [], 'questions'],
      ['a bad channel', [question({ customerId: 1 }), question({ customerId: 1 }, { channel: 'FAX' })], 'questions[1].channel'],
      ['both customerId and identifier', [question({ customerId: 1, identifier: { type: 'email', value: 'a@example.com' } })], 'questions[0].customerId'],
      ['neither customerId nor identifier', [question({ customerId: 1 }), question({}), question({ customerId: 2 })], 'questions[1].customerId'],
      ['an identifier without a value', [question({ identifier: { type: 'email' } })], 'questions[0].identifier.value'],
      ['a customerId that is no id', [question({ customerId: 'abc' })], 'questions[0].customerId'],
      ['an unknown field', [question({ customerId: 1 }, { colour: 'red' })], 'questions[0].colour'],
    ])('refuses %s with a 400 in the native error body, naming the item', async (_what, questions, field) => {
      const res = await decide(questions);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST' });
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('answers 401 without a key', async () => {
      expect((await api.post('/v1/consent/decisions', { questions: [question({ customerId: 1 })] })).status).toBe(401);
    });
  });

  describe('a merged customer', () => {
    /** Until the merge feature lands: the pointer it leaves behind, set directly. */
    const merge = (victim: number, survivor: number) =>
      api.dataSource.query('UPDATE customers SET merged_into = $1, merged_at = now() WHERE id = $2', [survivor, victim]);

    it("is answered by its survivor, which both endpoints name in mergedInto", async () => {
      const victim = await registerCustomer(api, org);
      const survivor = await registerCustomer(api, org);
      await channelWide(survivor.id, 'OPTOUT');
      await merge(victim.id, survivor.id);

      const single = await ask(victim.id, 'channel=EMAIL&topic=BULK');
      expect(single.status).toBe(200);
      expect(single.body).toMatchObject({ allowed: false, status: 'OPTOUT', mergedInto: survivor.id, decidedBy: { level: 'channel' } });
      // The survivor asked directly is not "merged into" anything.
      expect((await ask(survivor.id, 'channel=EMAIL&topic=BULK')).body).not.toHaveProperty('mergedInto');

      const bulk = await decide([
        question({ customerId: victim.id }),
        question({ identifier: { type: 'email', value: victim.email } }),
        question({ customerId: survivor.id }),
      ]);
      expect(bulk.body.decisions).toEqual([
        expect.objectContaining({ customerId: survivor.id, mergedInto: survivor.id, allowed: false }),
        // Until the merge moves identifiers, the victim's identifier still names the victim: it too resolves to the survivor.
        expect.objectContaining({ customerId: survivor.id, mergedInto: survivor.id, allowed: false }),
        expect.not.objectContaining({ mergedInto: expect.anything() }),
      ]);
    });

    it("is unknown to another org", async () => {
      const victim = await registerCustomer(api, org);
      const survivor = await registerCustomer(api, org);
      await merge(victim.id, survivor.id);
      const other = await api.createOrg('consent-merge-other');
      expect((await ask(victim.id, 'channel=EMAIL&topic=BULK', other)).status).toBe(404);
      const bulk = await decide([question({ customerId: victim.id })], other);
      expect(bulk.body.decisions).toEqual([{ error: expect.objectContaining({ code: 'CUSTOMER_NOT_FOUND' }) }]);
    });
  });

  it('answers times to the millisecond, truncated as everywhere else (read as epoch milliseconds)', async () => {
    const { id } = await registerCustomer(api, org);
    await channelWide(id, 'OPTOUT');
    const [written] = await api.dataSource.getRepository(Consent).findBy({ orgId: org.orgId, customerId: id });
    const setTimes = (occurredAt: string, updatedAt: string) =>
      api.dataSource.query('UPDATE consents SET occurred_at = $3, updated_at = $4 WHERE org_id = $1 AND customer_id = $2', [org.orgId, id, occurredAt, updatedAt]);
    // Microseconds just under and just over a millisecond: a float rounding would show here. The
    // record is put back afterwards, so that its state still equals the ledger's (ledger-proof).
    await setTimes('2026-11-30 10:00:00.755999+00', '2026-11-30 10:00:01.000001+00');
    try {
      const [stored] = await api.dataSource.getRepository(Consent).findBy({ orgId: org.orgId, customerId: id });
      const res = await ask(id, 'channel=EMAIL&topic=BULK');
      expect(res.body.decidedBy).toMatchObject({ occurredAt: '2026-11-30T10:00:00.755Z', updatedAt: '2026-11-30T10:00:01.000Z' });
      expect(res.body.decidedBy.occurredAt).toBe(stored.occurredAt.toISOString());
      expect(res.body.decidedBy.updatedAt).toBe(stored.updatedAt.toISOString());
      const [entry] = await api.dataSource.getRepository(ConsentLedgerEntry).findBy({ id: stored.lastLedgerId! });
      expect(res.body.decidedBy.ledgerEntry).toMatchObject({ createdAt: entry.createdAt.toISOString(), occurredAt: entry.occurredAt!.toISOString() });
    } finally {
      // Through the raw column values, microseconds included.
      await api.dataSource.query(
        `UPDATE consents c SET occurred_at = l.occurred_at, updated_at = $3
           FROM consent_ledger l WHERE l.id = c.last_ledger_id AND c.org_id = $1 AND c.customer_id = $2`,
        [org.orgId, id, written.updatedAt],
      );
    }
  });

  it('looks each question up by index, even in a generic plan (EXPLAIN of the statement the service runs)', async () => {
    // A prepared statement may run on a plan made without its values, which knows nothing of the
    // arrays' sizes: each question must still be a primary-key probe of its customer and an
    // index range of that customer's records, never a scan of the org's customers or records.
    const { id } = await registerCustomer(api, org);
    await channelWide(id, 'OPTOUT');
    type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Cond'?: string; Plans?: PlanNode[] };
    const plan: PlanNode = await api.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL plan_cache_mode = force_generic_plan');
      await manager.query(`PREPARE question_records_plan(uuid[], bigint[], text[], text[], text[], text[]) AS ${QUESTION_RECORDS_SQL}`);
      const [{ 'QUERY PLAN': explained }] = await manager.query(
        `EXPLAIN (FORMAT JSON) EXECUTE question_records_plan('{${org.orgId}}', '{${id}}', '{EMAIL}', '{BULK}', '{""}', '{NULL}')`,
      );
      await manager.query('DEALLOCATE question_records_plan');
      return explained[0].Plan;
    });
    const scans = new Map<string, PlanNode>();
    const walk = (node: PlanNode) => {
      if (node['Relation Name']) scans.set(node['Relation Name'], node);
      (node.Plans ?? []).forEach(walk);
    };
    walk(plan);
    expect(scans.get('customers')).toMatchObject({ 'Index Cond': expect.stringMatching(/\bid = k\.customer_id\b/) });
    expect(scans.get('consents')).toMatchObject({ 'Index Cond': expect.stringContaining('customer_id = ') });
    expect(scans.get('consent_ledger')).toMatchObject({ 'Index Cond': expect.stringMatching(/\bid = \w+\.last_ledger_id\b/) });
  });

  it('lists the consent, Altcraft and WM endpoints in the OpenAPI document', async () => {
    const res = await api.get('/docs/json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/customers/{id}/consent',
        '/v1/consent/decisions',
        '/api/v1.1/subscriptions/set',
        '/api/v1/customers/{customerId}/communication-preferences',
      ]),
    );
  });
});
