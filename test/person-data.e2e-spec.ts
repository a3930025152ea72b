import { verifyConsentLedger } from '@app/domain';
import { registerCustomer, rowsOf, TestApi, TestOrg, uniqueEmail, uniqueMobile } from '@app/testing';

/** GDPR articles 15 and 17: a person's data exported, then erased everywhere but their opt-outs. */
describe('export and erasure of a person', () => {
  let api: TestApi;
  let org: TestOrg;
  let UA = '';

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('gdpr');
  });
  afterAll(async () => {
    // The erased person's ledger still replays to their (hashed) state.
    const report = await verifyConsentLedger(api.dataSource, [org.orgId]);
    expect(report.mismatches).toEqual([]);
    await api.close();
  });

  /** A person with a name, an email and a mobile, consent records and an event, and their link-made opt-out. */
  async function person() {
    const email = uniqueEmail();
    // Each person's own browser, so a search for it finds only theirs.
    UA = `Mozilla/5.0 (Person-Browser/${email.split('@')[0]})`;
    const mobile = uniqueMobile();
    const customer = await registerCustomer(api, org, { email, mobile });
    const put = (body: object) => api.put(`/v1/customers/${customer.id}/consents`, body, org, { 'user-agent': UA });
    expect((await put({ channel: 'EMAIL', topic: 'NEWS', address: email, status: 'OPTIN', reason: 'signed up' })).status).toBe(200);
    expect((await put({ channel: 'SMS', topic: 'BULK', address: mobile, status: 'OPTOUT', occurredAt: '2026-01-01T10:00:00Z' })).status).toBe(200);
    const links = await api.post('/v1/unsubscribe-links', { items: [{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: email }] }, org);
    const oneClick = new URL(links.body.items[0].oneClickUrl).pathname;
    await api.request({ method: 'POST', url: oneClick, body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA } });
    const ingest = await api.post('/v1/events', { events: [{ type: 'EMAIL_BOUNCED', customerId: customer.id, channel: 'EMAIL', recipient: email, data: { note: `bounced ${email}` } }] }, org);
    expect(ingest.status).toBe(202);
    return { ...customer, email, mobile };
  }

  /** Every text, varchar, json and array column of every table holding `needle`, as `table.column`. */
  async function columnsHolding(needle: string): Promise<string[]> {
    const columns: Array<{ table_name: string; column_name: string }> = await api.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text ILIKE $1`, [`%${needle}%`]);
      if (n > 0) found.push(`${table_name}.${column_name}`);
    }
    return found;
  }

  it('exports profiles, identifiers, consent records, the ledger with its proof, and events with their delivery', async () => {
    const p = await person();
    const res = await api.get(`/v1/customers/${p.id}/export`, org);
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.customerId).toBe(p.id);
    expect(doc.profiles).toEqual([expect.objectContaining({ source: 'INSTORE', firstName: 'Tom', lastName: 'Sawyer' })]);
    expect(doc.identifiers.map((i: any) => i.value).sort()).toEqual([p.email, p.mobile].sort());
    expect(doc.consents.map((c: any) => [c.channel, c.topic, c.address, c.status])).toEqual(
      expect.arrayContaining([['EMAIL', 'NEWS', p.email, 'OPTIN'], ['SMS', 'BULK', p.mobile, 'OPTOUT'], ['EMAIL', 'BULK', p.email, 'OPTOUT']]),
    );
    const oneClick = doc.ledger.find((l: any) => l.dialect === 'one-click');
    expect(oneClick).toMatchObject({ userAgent: UA, status: 'OPTOUT', proof: { kid: expect.any(String) } });
    expect(doc.ledger.find((l: any) => l.reason === 'signed up')).toMatchObject({ userAgent: UA, ip: expect.any(String) });
    expect(doc.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['EMAIL_OPTIN', 'SMS_OPT_OUT', 'EMAIL_OPTOUT', 'EMAIL_BOUNCED']));
    expect(doc.events[0].deliveries).toEqual([]);

    expect((await api.get(`/v1/customers/${p.id}/export`, await api.createOrg('stranger'))).status).toBe(404);
    expect((await api.get('/v1/customers/abc/export', org)).status).toBe(404);
  });

  it('erasure leaves the address, name and proof details in no text column of any table; the ledger keeps its rows, times and reasons', async () => {
    const p = await person();
    const ledgerBefore = await rowsOf(api, 'consent_ledger', p.id);
    const res = await api.delete(`/v1/customers/${p.id}`, org);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ erased: true, customerIds: [p.id], suppressedAddresses: 2 });

    for (const needle of [p.email, p.email.split('@')[0], p.mobile, p.mobile.slice(3), UA]) {
      expect([needle, await columnsHolding(needle)]).toEqual([needle, []]);
    }
    const ledgerAfter = await rowsOf(api, 'consent_ledger', p.id);
    expect(ledgerAfter.map((r: any) => [r.id, r.status, r.occurred_at?.toISOString(), r.reason, r.dialect])).toEqual(
      ledgerBefore.map((r: any) => [r.id, r.status, r.occurred_at?.toISOString(), r.reason, r.dialect]),
    );
    expect(ledgerAfter.every((r: any) => r.address === '' || r.address.startsWith('erased:'))).toBe(true);
    expect(ledgerAfter.every((r: any) => r.ip === null && r.user_agent === null)).toBe(true);
    expect(ledgerAfter.find((r: any) => r.dialect === 'one-click').proof).toMatchObject({ erased: true, kid: expect.any(String) });

    const erased = (await api.dataSource.query("SELECT payload FROM events WHERE org_id = $1 AND type = 'CUSTOMER_ERASED' AND customer_id = $2", [org.orgId, p.id]));
    expect(erased.map((e: any) => e.payload.customerId)).toEqual([p.id]);
  });

  it('after erasure, fetch and lookups answer 404, and nothing can be written to the person', async () => {
    const p = await person();
    expect((await api.delete(`/v1/customers/${p.id}`, org)).status).toBe(200);
    expect((await api.delete(`/v1/customers/${p.id}`, org)).status).toBe(404);
    expect((await api.get(`/v1/customers/${p.id}/export`, org)).status).toBe(404);
    expect((await api.get(`/v2/customers/${p.id}?source=INSTORE`, org)).status).toBe(404);
    expect((await api.get(`/v2/customers/lookup?source=INSTORE&identifierName=email&identifierValue=${p.email}`, org)).status).toBe(404);
    expect((await api.get(`/v1/customers/${p.id}/consent?channel=EMAIL&topic=BULK`, org)).status).toBe(404);
    expect((await api.put(`/v1/customers/${p.id}/consents`, { channel: 'EMAIL', topic: 'BULK', status: 'OPTIN' }, org)).status).toBe(404);
  });

  it('a re-registration of the same address starts opted out where the person had opted out, and only there', async () => {
    const p = await person();
    expect((await api.delete(`/v1/customers/${p.id}`, org)).status).toBe(200);
    const again = await registerCustomer(api, org, { email: p.email, mobile: p.mobile });
    const ask = async (channel: string, topic: string, address: string) =>
      (await api.get(`/v1/customers/${again.id}/consent?channel=${channel}&topic=${topic}&address=${encodeURIComponent(address)}`, org)).body;
    expect(await ask('EMAIL', 'BULK', p.email)).toMatchObject({ allowed: false, status: 'OPTOUT' });
    expect(await ask('SMS', 'BULK', p.mobile)).toMatchObject({ allowed: false, status: 'OPTOUT' });
    expect(await ask('EMAIL', 'NEWS', p.email)).toMatchObject({ allowed: true });
    const ledger = await rowsOf(api, 'consent_ledger', again.id);
    expect(ledger.map((r: any) => [r.dialect, r.reason, r.status])).toEqual([
      ['system', 'address-suppressed-after-erasure', 'OPTOUT'],
      ['system', 'address-suppressed-after-erasure', 'OPTOUT'],
    ]);
    // The original opt-out's time decides: an opt-in dated before it stays superseded.
    const old = await api.put(`/v1/customers/${again.id}/consents`, { channel: 'SMS', topic: 'BULK', address: p.mobile, status: 'OPTIN', occurredAt: '2025-12-31T10:00:00Z' }, org);
    expect(old.body.result).toBe('superseded');
  });

  it('an opt-out recorded without an address (the whole channel) suppresses every address the person had on that channel', async () => {
    const email = uniqueEmail();
    const mobile = uniqueMobile();
    const customer = await registerCustomer(api, org, { email, mobile });
    const put = (body: object) => api.put(`/v1/customers/${customer.id}/consents`, body, org);
    // "Unsubscribe from everything on EMAIL": no address; and an SMS opt-out later undone for the address itself.
    expect((await put({ channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', occurredAt: '2026-02-01T10:00:00Z' })).body.result).toBe('applied');
    expect((await put({ channel: 'SMS', topic: 'BULK', status: 'OPTOUT', occurredAt: '2026-02-01T10:00:00Z' })).body.result).toBe('applied');
    expect((await put({ channel: 'SMS', topic: 'BULK', address: mobile, status: 'OPTIN', occurredAt: '2026-02-02T10:00:00Z' })).body.result).toBe('applied');
    const res = await api.delete(`/v1/customers/${customer.id}`, org);
    expect(res.status).toBe(200);
    // The email on EMAIL/BULK; not the mobile, whose own newer opt-in allowed it (the precedence rule).
    expect(res.body.suppressedAddresses).toBe(1);
    expect(await columnsHolding(email)).toEqual([]);

    const again = await registerCustomer(api, org, { email, mobile });
    const ask = async (channel: string, topic: string, address: string) =>
      (await api.get(`/v1/customers/${again.id}/consent?channel=${channel}&topic=${topic}&address=${encodeURIComponent(address)}`, org)).body;
    expect(await ask('EMAIL', 'BULK', email)).toMatchObject({ allowed: false, status: 'OPTOUT' });
    expect(await ask('SMS', 'BULK', mobile)).toMatchObject({ allowed: true });
    const ledger = await rowsOf(api, 'consent_ledger', again.id);
    expect(ledger.map((r: any) => [r.dialect, r.reason, r.channel, r.topic, r.address, r.status, r.occurred_at.toISOString()])).toEqual([
      ['system', 'address-suppressed-after-erasure', 'EMAIL', 'BULK', email, 'OPTOUT', '2026-02-01T10:00:00.000Z'],
    ]);
  });

  it('an opt-in of an erased address for a customer who never had it starts from the opt-out too', async () => {
    const p = await person();
    expect((await api.delete(`/v1/customers/${p.id}`, org)).status).toBe(200);
    const other = await registerCustomer(api, org);
    const res = await api.put(`/v1/customers/${other.id}/consents`, { channel: 'SMS', topic: 'BULK', address: p.mobile, status: 'OPTIN', occurredAt: '2025-06-01T00:00:00Z' }, org);
    expect(res.body).toMatchObject({ result: 'superseded', record: { status: 'OPTOUT' } });
  });

  it('the ledger stays append-only outside an erasure, and an erasure may not touch a status or a time', async () => {
    const p = await person();
    await expect(api.dataSource.query('UPDATE consent_ledger SET reason = $2 WHERE customer_id = $1', [p.id, 'x'])).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query('DELETE FROM consent_ledger WHERE customer_id = $1', [p.id])).rejects.toThrow(/append-only/);
    await expect(
      api.dataSource.transaction(async (m) => {
        await m.query("SET LOCAL optline.erasing = 'on'");
        await m.query("UPDATE consent_ledger SET address = 'erased:x', ip = NULL, user_agent = NULL, actor = NULL, status = 'OPTIN' WHERE customer_id = $1", [p.id]);
      }),
    ).rejects.toThrow(/append-only/);
  });
});
