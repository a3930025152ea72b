import { verifyConsentLedger } from '@app/domain';
import { registerCustomer, rowsOf, runCli, TestApi, TestOrg } from '@app/testing';
import { randomBytes } from 'node:crypto';

/**
 * Every consent change carries when it happened, and a key follows the newest change: issue 9's
 * problems 4 (an older opt-in arriving late undid a newer opt-out) and 5 (Altcraft's `"status":
 * null` opted an address back in), as campaign tools meet them, and the native write.
 */
describe('time-aware consent', () => {
  let api: TestApi;
  let org: TestOrg;
  const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000Z`;
  const profile = () => `p-${randomBytes(6).toString('hex')}`;
  const altcraft = (body: object) =>
    api.post('/api/v1.1/subscriptions/set', { db_id: 1, resource_id: 7, channel: 'email', email: 'tom@example.com', ...body }, org);
  const record = (id: number, body: object, as = org) => api.put(`/v1/customers/${id}/consents`, body, as);
  const ingest = (events: object[]) => api.post('/v1/events', { events }, org);
  const stateOf = async (id: number) => (await rowsOf(api, 'consents', id)).map((r: any) => [r.channel, r.topic, r.address, r.status]);

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('time');
  });
  afterAll(async () => {
    // The proof: whatever these tests did, the state is what the ledger replays to.
    const report = await verifyConsentLedger(api.dataSource, [org.orgId]);
    expect(report.mismatches).toEqual([]);
    await api.close();
  });

  it('Altcraft: an opt-in dated 10:00 that arrives after an opt-out dated 10:30 changes nothing, and says so', async () => {
    const profileId = profile();
    await altcraft({ profile_id: profileId, status: 'unsubscribed', date: '2026-03-01 10:30' });
    const late = await altcraft({ profile_id: profileId, status: 'subscribed', date: '2026-03-01 10:00' });
    expect(late.status).toBe(200);
    expect(late.body.data).toMatchObject({ action: 'unchanged', is_restored: false });
    const customerId = Number(late.headers['optline-customer-id']);
    expect(await stateOf(customerId)).toEqual([['EMAIL', '7', 'tom@example.com', 'OPTOUT']]);

    const ledger = await rowsOf(api, 'consent_ledger', customerId);
    expect(ledger).toHaveLength(2);
    expect(ledger[1]).toMatchObject({ status: 'OPTIN', event_id: null });
    expect(ledger[1].occurred_at.toISOString()).toBe(at('10:00'));
    expect(ledger[1].superseded_by_occurred_at.toISOString()).toBe(at('10:30'));
    // One event: the opt-out's. The superseded opt-in emitted none.
    expect((await rowsOf(api, 'events', customerId)).map((e: any) => e.type)).toEqual(['EMAIL_OPTOUT']);

    const log = await api.get(`/v2/customers/${customerId}/subscriptionStatusChangeLog`, org);
    expect(log.body.data[0]).toMatchObject({ status: 'OPTIN', occurredAt: at('10:00'), superseded: true, supersededByOccurredAt: at('10:30') });
    expect(log.body.data[1]).toMatchObject({ status: 'OPTOUT', occurredAt: at('10:30') });
    expect(log.body.data[1].superseded).toBeUndefined();

    const later = await altcraft({ profile_id: profileId, status: 'subscribed', date: '2026-03-01T11:00:00Z' });
    expect(later.body.data).toMatchObject({ action: 'updated', is_restored: true });
  });

  it.each(['2026-03-01 25:00', '2026-02-30', '2026-13-45', 'yesterday'])('Altcraft: a date that does not exist (%s) is a 400, writing nothing', async (date) => {
    const profileId = profile();
    await altcraft({ profile_id: profileId, status: 'unsubscribed', date: '2026-03-01 10:30' });
    const res = await altcraft({ profile_id: profileId, status: 'subscribed', date });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 400, error_text: expect.stringContaining('date must be a date that exists') });
    const customerId = Number((await altcraft({ profile_id: profileId, date: '2026-03-01' })).headers['optline-customer-id']);
    expect(await stateOf(customerId)).toEqual([['EMAIL', '7', 'tom@example.com', 'OPTOUT']]);
  });

  it('Altcraft: "status": null is no status: an opted-out address stays opted out', async () => {
    const profileId = profile();
    await altcraft({ profile_id: profileId, status: 'unsubscribed' });
    const res = await altcraft({ profile_id: profileId, status: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ action: 'unchanged', is_restored: false });
    const customerId = Number(res.headers['optline-customer-id']);
    expect(await stateOf(customerId)).toEqual([['EMAIL', '7', 'tom@example.com', 'OPTOUT']]);
    expect(await rowsOf(api, 'consent_ledger', customerId)).toHaveLength(1);
    // A new subscription with a null status starts subscribed, as with an absent one.
    const fresh = await altcraft({ profile_id: profile(), status: null });
    expect(fresh.body.data).toMatchObject({ action: 'subscribed' });
    // A null date is no date either: the change happened when the request arrived.
    const undated = await altcraft({ profile_id: profileId, status: 'subscribed', date: null });
    expect(undated.status).toBe(200);
    expect(undated.body.data).toMatchObject({ action: 'updated', is_restored: true });
  });

  it('ingest: an opt-in with an older occurredAt is accepted and flagged, and changes nothing', async () => {
    const customer = await registerCustomer(api, org);
    const optOut = { type: 'EMAIL_OPTOUT', customerId: customer.id, channel: 'EMAIL', occurredAt: at('10:30') };
    const optIn = { type: 'EMAIL_OPTIN', customerId: customer.id, channel: 'EMAIL', occurredAt: at('10:00') };
    expect((await ingest([optOut])).body.superseded).toEqual([]);
    const res = await ingest([optIn]);
    expect(res.status).toBe(202);
    expect(res.body.superseded).toEqual(res.body.eventIds);
    expect(await stateOf(customer.id)).toEqual([['EMAIL', 'BULK', '', 'OPTOUT']]);
    const [, delivered] = await rowsOf(api, 'events', customer.id);
    expect(delivered.payload.consent).toMatchObject({
      status: 'OPTIN',
      changed: false,
      superseded: true,
      supersededBy: { status: 'OPTOUT', occurredAt: at('10:30') },
    });
    const decision = await api.get(`/v1/customers/${customer.id}/consent?channel=EMAIL&topic=BULK`, org);
    expect(decision.body).toMatchObject({ allowed: false, status: 'OPTOUT' });
  });

  it('ingest: an event dated in the future is recorded, and delivered, as of when it arrived', async () => {
    const customer = await registerCustomer(api, org);
    const before = Date.now();
    await ingest([{ type: 'EMAIL_OPTOUT', customerId: customer.id, channel: 'EMAIL', occurredAt: '2099-01-01T00:00:00Z' }]);
    const [event] = await rowsOf(api, 'events', customer.id);
    const [ledger] = await rowsOf(api, 'consent_ledger', customer.id);
    for (const time of [event.occurred_at, ledger.occurred_at]) {
      expect(time.getTime()).toBeGreaterThanOrEqual(before);
      expect(time.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('Capillary: a request that opts out and in again in one breath ends opted out, and says why', async () => {
    const { id } = await registerCustomer(api, org);
    const res = await api.post(
      `/v2/customers/${id}/subscriptions`,
      { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }, { channel: 'EMAIL', priority: 'BULK', type: 'OPTIN' }] },
      org,
    );
    expect(res.body.subscriptions).toEqual([{ channel: 'EMAIL', accountId: '', priority: 'BULK', type: 'OPTOUT' }]);
    expect(res.body.warnings).toEqual([
      { code: 1109, message: expect.stringContaining('on equal times the opt-out wins') },
    ]);
    expect(await stateOf(id)).toEqual([['EMAIL', 'BULK', '', 'OPTOUT']]);
  });

  it('on equal times the opt-out wins, in either order of arrival', async () => {
    for (const order of [['OPTIN', 'OPTOUT'], ['OPTOUT', 'OPTIN']]) {
      const { id } = await registerCustomer(api, org);
      for (const status of order) await record(id, { channel: 'SMS', topic: 'BULK', status, occurredAt: at('10:30') });
      expect(await stateOf(id)).toEqual([['SMS', 'BULK', '', 'OPTOUT']]);
    }
  });

  it('an opt-out repeated at 11:00 is not undone by an opt-in of 10:45 that arrives afterwards', async () => {
    const { id } = await registerCustomer(api, org);
    await record(id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', occurredAt: at('10:30') });
    const repeat = await record(id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', occurredAt: at('11:00') });
    expect(repeat.body).toMatchObject({ result: 'unchanged', changed: false, record: { status: 'OPTOUT', occurredAt: at('11:00') } });
    const late = await record(id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTIN', occurredAt: at('10:45') });
    expect(late.body).toMatchObject({ result: 'superseded', changed: false, supersededBy: { status: 'OPTOUT', occurredAt: at('11:00') } });
    expect(await stateOf(id)).toEqual([['EMAIL', 'BULK', '', 'OPTOUT']]);
  });

  it('a time in the future counts as the time the request arrived, so it cannot pin a record', async () => {
    const { id } = await registerCustomer(api, org);
    const before = Date.now();
    const res = await record(id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', occurredAt: '2099-01-01T00:00:00Z' });
    expect(new Date(res.body.record.occurredAt).getTime()).toBeGreaterThanOrEqual(before);
    expect(new Date(res.body.record.occurredAt).getTime()).toBeLessThanOrEqual(Date.now());
    const optIn = await record(id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTIN' });
    expect(optIn.body).toMatchObject({ result: 'applied', record: { status: 'OPTIN' } });
  });

  describe('PUT /v1/customers/{id}/consents', () => {
    it('records a change with its proof and answers the record and whether it changed', async () => {
      const { id } = await registerCustomer(api, org);
      const body = { channel: 'email', topic: 'NEWS', status: 'optout', address: ' Tom@Example.COM ', occurredAt: at('09:00'), reason: 'asked at the till', source: 'store-42' };
      const res = await record(id, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        customerId: id,
        result: 'applied',
        changed: true,
        record: { channel: 'EMAIL', topic: 'NEWS', accountId: '', address: 'tom@example.com', status: 'OPTOUT', occurredAt: at('09:00') },
        ledgerId: expect.any(Number),
      });
      const [row] = await rowsOf(api, 'consent_ledger', id);
      expect(row).toMatchObject({ id: String(res.body.ledgerId), dialect: 'native', reason: 'asked at the till', source_name: 'store-42', api_key_id: org.keyId });
      expect((await rowsOf(api, 'events', id)).map((e: any) => e.type)).toEqual(['EMAIL_OPTOUT']);

      const again = await record(id, { ...body, occurredAt: at('08:00'), status: 'OPTOUT' });
      expect(again.body).toMatchObject({ result: 'unchanged', changed: false, ledgerId: null, record: { status: 'OPTOUT', occurredAt: at('09:00') } });
    });

    it('reads a national phone number in the org region, and a topic without its surrounding spaces', async () => {
      const { id } = await registerCustomer(api, org);
      const res = await record(id, { channel: 'SMS', topic: ' 7 ', status: 'OPTOUT', address: '+7 (900) 000-00-00' });
      expect(res.body.record).toMatchObject({ topic: '7', address: '+79000000000' });
      const asked = await api.get(`/v1/customers/${id}/consent?channel=SMS&topic=%207&address=79000000000`, org);
      expect(asked.body).toMatchObject({ allowed: false, status: 'OPTOUT' });
    });

    it('an explicit opt-in is recorded even when it is the implicit default', async () => {
      const { id } = await registerCustomer(api, org);
      const res = await record(id, { channel: 'SMS', topic: 'TRANS', status: 'OPTIN' });
      expect(res.body).toMatchObject({ result: 'applied', changed: true, record: { status: 'OPTIN' } });
      expect(await stateOf(id)).toEqual([['SMS', 'TRANS', '', 'OPTIN']]);
    });

    it.each([
      [{ channel: 'FAX', topic: 'BULK', status: 'OPTOUT' }, 'channel'],
      [{ channel: 'EMAIL', topic: 'BULK', status: 'MAYBE' }, 'status'],
      [{ channel: 'EMAIL', topic: 'BULK', status: null }, 'status'],
      [{ channel: 'EMAIL', topic: '', status: 'OPTOUT' }, 'topic'],
      [{ channel: 'EMAIL', topic: '   ', status: 'OPTOUT' }, 'topic'],
      [{ channel: 'SMS', topic: 'BULK', status: 'OPTOUT', address: 'abc' }, 'address'],
      [{ channel: 'WHATSAPP', topic: 'BULK', status: 'OPTOUT', address: '12' }, 'address'],
      [{ channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', address: 'not an email' }, 'address'],
      [{ channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', occurredAt: 'yesterday' }, 'occurredAt'],
      [{ channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', colour: 'red' }, 'colour'],
    ])('refuses %j with a 400 naming %s, writing nothing', async (body, field) => {
      const { id } = await registerCustomer(api, org);
      const res = await record(id, body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await rowsOf(api, 'consent_ledger', id)).toEqual([]);
    });

    it("answers 404 for an unknown customer and for another org's", async () => {
      const other = await api.createOrg('time-other');
      const { id } = await registerCustomer(api, other);
      for (const [path, as] of [[id, org], [999999999, org], ['abc', org], ['99999999999999999999', org], ['0x1', org]] as const) {
        const res = await api.put(`/v1/customers/${path}/consents`, { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT' }, as);
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.body.error.code).toBe('CUSTOMER_NOT_FOUND');
      }
      expect(await rowsOf(api, 'consent_ledger', id)).toEqual([]);
    });

    it("given a merged customer's id, records on the survivor and says so", async () => {
      const survivor = await registerCustomer(api, org);
      const victim = await registerCustomer(api, org);
      await api.dataSource.query('UPDATE customers SET merged_into = $1, merged_at = now() WHERE id = $2', [survivor.id, victim.id]);
      const res = await record(victim.id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT' });
      expect(res.body).toMatchObject({ customerId: survivor.id, mergedInto: survivor.id, result: 'applied' });
      expect(await stateOf(survivor.id)).toEqual([['EMAIL', 'BULK', '', 'OPTOUT']]);
      expect(await stateOf(victim.id)).toEqual([]);
      // Capillary's write to the old id lands on the survivor too: no opt-out is lost to a merge.
      await api.post(`/v2/customers/${victim.id}/subscriptions`, { subscriptions: [{ channel: 'SMS', priority: 'BULK', type: 'OPTOUT' }] }, org);
      expect(await stateOf(survivor.id)).toContainEqual(['SMS', 'BULK', '', 'OPTOUT']);
    });
  });

  describe('consent:verify', () => {
    it('finds a state that does not match its ledger, and the CLI exits 1', async () => {
      const other = await api.createOrg('tampered');
      const { id } = await registerCustomer(api, other);
      await record(id, { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT' }, other);
      expect((await verifyConsentLedger(api.dataSource, [other.orgId])).mismatches).toEqual([]);
      await api.dataSource.query("UPDATE consents SET status = 'OPTIN' WHERE customer_id = $1", [id]);
      const report = await verifyConsentLedger(api.dataSource, [other.orgId]);
      expect(report.mismatches).toEqual([
        expect.objectContaining({ customerId: id, problem: expect.stringContaining('status OPTIN, the ledger replays to OPTOUT') }),
      ]);
      const cli = await runCli(['consent:verify', other.slug]);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`customer ${id}`);
      expect(cli.stdout).toMatch(/1 mismatch\(es\)/);
      await api.dataSource.query("UPDATE consents SET status = 'OPTOUT' WHERE customer_id = $1", [id]);
    }, 30000);
  });
});
