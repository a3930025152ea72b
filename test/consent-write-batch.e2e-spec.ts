import { ActorContext, Channel, ConsentStatus, ConsentWriteBatch, CustomerWrite, poolQuery, Sql, verifyConsentLedger } from '@app/domain';
import { registerCustomer, TestApi, TestOrg } from '@app/testing';
import { randomUUID } from 'node:crypto';

/**
 * The write path gathers the optimistic consent writes of concurrent requests into one statement
 * (group commit). These tests hold it to what each request would get alone: its own version
 * check, its own ledger rows and events, its own failure.
 */
describe('consent writes of concurrent requests share a statement', () => {
  let api: TestApi;
  let org: TestOrg;
  let actor: ActorContext;
  let statements: string[];
  let sql: Sql;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('write-batch');
    actor = { orgId: org.orgId, apiKeyId: org.keyId, dialect: 'native', requestId: 'write-batch-test' };
    const query = poolQuery(api.dataSource);
    // The real pool, counting the statements it is given.
    sql = {
      query: (text, params, name) => {
        statements.push(text);
        return query(text, params, name);
      },
    };
  });
  beforeEach(() => {
    statements = [];
  });
  afterAll(async () => {
    await api.close();
  });

  const versionOf = async (customerId: number): Promise<number> =>
    Number((await api.dataSource.query('SELECT consent_version FROM customers WHERE id = $1', [customerId]))[0].consent_version);

  const optOut = async (customerId: number, overrides: Partial<CustomerWrite> = {}): Promise<CustomerWrite> => {
    const eventId = randomUUID();
    const occurredAt = new Date();
    return {
      actor,
      context: { customerId, actorName: null, reason: 'batch test', campaignId: null, communicationId: null, proof: { via: 'test' } },
      events: [
        {
          id: eventId,
          orgId: org.orgId,
          type: 'EMAIL_OPTOUT',
          customerId,
          channel: Channel.EMAIL,
          occurredAt,
          payload: { consent: { status: 'OPTOUT' } },
        },
      ],
      rows: [
        {
          channel: Channel.EMAIL,
          topic: 'BULK',
          accountId: '',
          address: '',
          addressType: null,
          previousStatus: null,
          status: ConsentStatus.OPTOUT,
          sourceName: null,
          orgUnitId: null,
          eventId,
          occurredAt,
          supersededByOccurredAt: null,
        },
      ],
      expectedVersion: await versionOf(customerId),
      ...overrides,
    };
  };

  const ledgerOf = (customerId: number) =>
    api.dataSource.query('SELECT id, status, reason, api_key_id, request_id, proof FROM consent_ledger WHERE customer_id = $1 ORDER BY id', [
      customerId,
    ]);

  it('writes the writes decided in one turn in one statement, each with its own ledger row, state and event', async () => {
    const customers = await Promise.all(Array.from({ length: 10 }, () => registerCustomer(api, org)));
    const writes = await Promise.all(customers.map((c) => optOut(c.id)));
    const batch = new ConsentWriteBatch(sql);

    const ids = await Promise.all(writes.map((w) => batch.write(w)));

    expect(statements).toHaveLength(1);
    for (const [i, customer] of customers.entries()) {
      const ledger = await ledgerOf(customer.id);
      expect(ledger).toEqual([
        { id: String(ids[i][0]), status: 'OPTOUT', reason: 'batch test', api_key_id: org.keyId, request_id: 'write-batch-test', proof: { via: 'test' } },
      ]);
      const [state] = await api.dataSource.query('SELECT status, last_ledger_id FROM consents WHERE customer_id = $1', [customer.id]);
      expect(state).toEqual({ status: 'OPTOUT', last_ledger_id: String(ids[i][0]) });
      const events = await api.dataSource.query('SELECT id, customer_id FROM events WHERE customer_id = $1', [customer.id]);
      expect(events).toEqual([{ id: writes[i].events[0].id, customer_id: String(customer.id) }]);
    }
  });

  it('reads the snapshots asked for in one turn in one statement: survivors for merged ids, nothing for unknown or erased ones', async () => {
    const [plain, survivor, victim, erased] = await Promise.all(Array.from({ length: 4 }, () => registerCustomer(api, org)));
    const batch = new ConsentWriteBatch(sql);
    await batch.write(await optOut(plain.id));
    await batch.write(await optOut(survivor.id));
    await api.dataSource.query('UPDATE customers SET merged_into = $1 WHERE id = $2', [survivor.id, victim.id]);
    await api.dataSource.query('UPDATE customers SET erased_at = now() WHERE id = $1', [erased.id]);
    const other = await api.createOrg('write-batch-other');
    statements = [];

    const [a, b, c, d, e] = await Promise.all([
      batch.read(org.orgId, plain.id),
      batch.read(org.orgId, victim.id),
      batch.read(org.orgId, erased.id),
      batch.read(other.orgId, plain.id),
      batch.read(org.orgId, 999_999_999),
    ]);

    expect(statements).toHaveLength(1);
    const optedOut = [expect.objectContaining({ channel: 'EMAIL', topic: 'BULK', address: '', status: 'OPTOUT' })];
    expect(a).toEqual({ customerId: plain.id, version: await versionOf(plain.id), records: optedOut });
    expect(b).toEqual({ customerId: survivor.id, version: await versionOf(survivor.id), records: optedOut });
    expect([c, d, e]).toEqual([null, null, null]);
  });

  it('refuses a second write for one customer decided against the same version', async () => {
    const customer = await registerCustomer(api, org);
    const first = await optOut(customer.id);
    const second = await optOut(customer.id);
    const batch = new ConsentWriteBatch(sql);

    const [firstIds, secondIds] = await Promise.all([batch.write(first), batch.write(second)]);

    expect(firstIds).toHaveLength(1);
    expect(secondIds).toEqual([]);
    // It went in a statement of its own, after the first had moved the version on.
    expect(statements).toHaveLength(2);
    expect((await ledgerOf(customer.id)).map((r: { id: string }) => Number(r.id))).toEqual(firstIds);
    expect(await api.dataSource.query('SELECT count(*)::int AS n FROM events WHERE customer_id = $1', [customer.id])).toEqual([{ n: 1 }]);
  });

  it('does not wait for a customer another transaction holds: refuses that write at once and applies the rest', async () => {
    const [held, free] = await Promise.all([registerCustomer(api, org), registerCustomer(api, org)]);
    const heldWrite = await optOut(held.id);
    const freeWrite = await optOut(free.id);
    // Another request holds the customer's lock (a merge, an erasure, a locked write) for a while.
    const runner = api.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [held.id]);
    await runner.query('UPDATE customers SET consent_version = consent_version + 1 WHERE id = $1', [held.id]);
    const batch = new ConsentWriteBatch(sql);

    let answered = false;
    const pending = Promise.all([batch.write(heldWrite), batch.write(freeWrite)]).finally(() => (answered = true));
    await new Promise((r) => setTimeout(r, 500));
    const answeredWhileHeld = answered;
    await runner.commitTransaction();
    await runner.release();
    const [heldIds, freeIds] = await pending;

    expect(answeredWhileHeld).toBe(true);
    expect(statements).toHaveLength(1);
    expect(heldIds).toEqual([]);
    expect(await ledgerOf(held.id)).toEqual([]);
    expect(freeIds).toHaveLength(1);
    expect(await versionOf(held.id)).toBe(heldWrite.expectedVersion! + 1);
    expect(await versionOf(free.id)).toBe(freeWrite.expectedVersion! + 1);
  });

  it('applies a write decided on the current version after the holder of its customer let go without a change', async () => {
    const customer = await registerCustomer(api, org);
    const runner = api.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [customer.id]);
    const response = api.post(`/v2/customers/${customer.id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] }, org);
    await new Promise((r) => setTimeout(r, 300));
    await runner.commitTransaction();
    await runner.release();

    // Its optimistic tries were refused while the row was held; it ends in the locked path.
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body.subscriptions).toEqual([{ channel: 'EMAIL', accountId: '', priority: 'BULK', type: 'OPTOUT' }]);
    expect((await ledgerOf(customer.id)).map((r: { status: string }) => r.status)).toEqual(['OPTOUT']);
  });

  it("lets no write's failure fail the others: each goes again on its own", async () => {
    const [a, b, c] = await Promise.all([registerCustomer(api, org), registerCustomer(api, org), registerCustomer(api, org)]);
    const bad = await optOut(b.id, { actor: { ...actor, apiKeyId: 'not-a-uuid' } });
    const batch = new ConsentWriteBatch(sql);

    const results = await Promise.allSettled([batch.write(await optOut(a.id)), batch.write(bad), batch.write(await optOut(c.id))]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await ledgerOf(a.id)).toHaveLength(1);
    expect(await ledgerOf(b.id)).toHaveLength(0);
    expect(await ledgerOf(c.id)).toHaveLength(1);
    expect(await versionOf(b.id)).toBe(bad.expectedVersion);
  });

  it('keeps every customer consistent under many concurrent requests over many customers', async () => {
    const customers = await Promise.all(Array.from({ length: 12 }, () => registerCustomer(api, org)));
    const requests = customers.flatMap((customer) =>
      Array.from({ length: 6 }, (_, i) => ({ customer, type: i % 2 ? 'OPTIN' : 'OPTOUT' })),
    );
    // Interleave the customers, so that each statement holds many of them.
    requests.sort(() => Math.random() - 0.5);

    const results = await Promise.all(
      requests.map(({ customer, type }) =>
        api.post(`/v2/customers/${customer.id}/subscriptions`, { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type }] }, org),
      ),
    );

    expect(results.map((r) => r.status)).toEqual(requests.map(() => 200));
    for (const customer of customers) {
      const ledger: Array<{ previous_status: string | null; status: string }> = await api.dataSource.query(
        'SELECT previous_status, status FROM consent_ledger WHERE customer_id = $1 ORDER BY id',
        [customer.id],
      );
      // Each ledger row starts where the previous one ended: no change lost or applied twice.
      let state = 'OPTIN';
      for (const row of ledger) {
        expect(row.previous_status ?? 'OPTIN').toBe(state);
        state = row.status;
      }
      const [record] = await api.dataSource.query('SELECT status FROM consents WHERE customer_id = $1', [customer.id]);
      expect(record?.status ?? 'OPTIN').toBe(state);
      const applied = results.filter((r, i) => requests[i].customer === customer).reduce((n, r) => n + r.body.subscriptions.length, 0);
      const changes = ledger.filter((r) => r.status !== (r.previous_status ?? 'OPTIN')).length;
      expect(applied).toBe(changes);
    }
    expect((await verifyConsentLedger(api.dataSource, [org.orgId])).mismatches).toEqual([]);
  });
});
