import { verifyConsentLedger } from '@app/domain';
import { registerCustomer, rowsOf, TestApi, TestOrg, writeCounts } from '@app/testing';

/**
 * Issue 13's first half: signed unsubscribe links, RFC 8058 one-click as mail providers post it,
 * and the preference page, which a GET only shows and a POST saves.
 */
describe('unsubscribe links and the preference page', () => {
  let api: TestApi;
  let org: TestOrg;
  const GMAIL_UA = 'Mozilla/5.0 (compatible; Google-Safety; +http://www.google.com/bot.html)';

  /** A customer with an email, opted in to BULK and NEWS on it. */
  async function subscriber() {
    const customer = await registerCustomer(api, org);
    for (const topic of ['BULK', 'NEWS']) {
      const res = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic, address: customer.email, status: 'OPTIN' }, org);
      expect(res.status).toBe(200);
    }
    return customer;
  }
  const linksFor = async (items: object[], as = org) => {
    const res = await api.post('/v1/unsubscribe-links', { items }, as);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const pathOf = (url: string) => new URL(url).pathname;
  const stateOf = async (id: number) =>
    Object.fromEntries((await rowsOf(api, 'consents', id)).map((r: any) => [`${r.topic}:${r.address}`, r.status]));
  const oneClick = (url: string, body = 'List-Unsubscribe=One-Click', contentType = 'application/x-www-form-urlencoded') =>
    api.request({ method: 'POST', url: pathOf(url), body, headers: { 'content-type': contentType, 'user-agent': GMAIL_UA } });
  const postForm = (url: string, fields: Array<[string, string]>) =>
    api.request({ method: 'POST', url: pathOf(url), body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const counts = () => writeCounts(api, org.orgId);

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('person');
  });
  afterAll(async () => {
    const report = await verifyConsentLedger(api.dataSource, [org.orgId]);
    expect(report.mismatches).toEqual([]);
    await api.close();
  });

  it('mints 1,000 links in one request, writing nothing, with the RFC 8058 headers and no address in the URL', async () => {
    const customer = await subscriber();
    const before = await counts();
    const items = await linksFor(Array.from({ length: 1000 }, () => ({ customerId: customer.id, channel: 'email', topic: 'BULK', address: customer.email.toUpperCase() })));
    expect(items).toHaveLength(1000);
    expect(await counts()).toEqual(before);
    const [first] = items;
    expect(first.url).toMatch(/^http:\/\/localhost:\d+\/u\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first.oneClickUrl).toBe(`${first.url}/one-click`);
    expect(first.headers).toEqual({ 'List-Unsubscribe': `<${first.oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    const local = customer.email.split('@')[0];
    expect(first.url).not.toContain(local);
    expect(Buffer.from(first.url.split('.')[1], 'base64url').toString('latin1')).not.toContain(local);
  });

  it('refuses bad requests with a 400 and answers another org\'s customer as unknown, item by item', async () => {
    const customer = await subscriber();
    const other = await api.createOrg('other');
    expect((await api.post('/v1/unsubscribe-links', { items: [] }, org)).status).toBe(400);
    expect((await api.post('/v1/unsubscribe-links', { items: [{ customerId: customer.id, channel: 'PIGEON' }] }, org)).status).toBe(400);
    expect((await api.post('/v1/unsubscribe-links', { items: Array(1001).fill({ customerId: 1, channel: 'EMAIL' }) }, org)).status).toBe(400);
    expect((await api.post('/v1/unsubscribe-links', { items: [{ customerId: customer.id, channel: 'EMAIL' }] })).status).toBe(401);
    const items = await linksFor([{ customerId: customer.id, channel: 'EMAIL' }, { customerId: 99999999, channel: 'EMAIL' }], other);
    expect(items.map((i: any) => i.error?.code)).toEqual(['CUSTOMER_NOT_FOUND', 'CUSTOMER_NOT_FOUND']);
  });

  it('one-click POST exactly as Gmail sends it opts the address out of the topic, with its proof and event; a repeat changes nothing', async () => {
    const customer = await subscriber();
    const [link] = await linksFor([{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }]);
    const res = await oneClick(link.oneClickUrl);
    expect(res.status).toBe(200);
    expect(await stateOf(customer.id)).toEqual({ [`BULK:${customer.email}`]: 'OPTOUT', [`NEWS:${customer.email}`]: 'OPTIN' });

    const ledger = await rowsOf(api, 'consent_ledger', customer.id);
    const row = ledger[ledger.length - 1];
    expect(row).toMatchObject({ dialect: 'one-click', status: 'OPTOUT', topic: 'BULK', address: customer.email, user_agent: GMAIL_UA, api_key_id: null });
    expect(row.ip).toBeTruthy();
    expect(row.proof.kid).toBe(link.url.split('/u/')[1].split('.')[0]);
    expect(row.occurred_at).toBeInstanceOf(Date);
    const events = await rowsOf(api, 'events', customer.id);
    expect(events[events.length - 1]).toMatchObject({ type: 'EMAIL_OPTOUT', id: row.event_id });

    const again = await oneClick(link.oneClickUrl);
    expect(again.status).toBe(200);
    expect(await stateOf(customer.id)).toEqual({ [`BULK:${customer.email}`]: 'OPTOUT', [`NEWS:${customer.email}`]: 'OPTIN' });
    expect(await rowsOf(api, 'events', customer.id)).toHaveLength(events.length);
  });

  it('one-click takes RFC 8058\'s own multipart/form-data example', async () => {
    const customer = await subscriber();
    const [link] = await linksFor([{ customerId: customer.id, channel: 'EMAIL', topic: 'NEWS', address: customer.email }]);
    const boundary = '----abcdef0123';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect((await oneClick(link.oneClickUrl, body, `multipart/form-data; boundary=${boundary}`)).status).toBe(200);
    expect(await stateOf(customer.id)).toMatchObject({ [`NEWS:${customer.email}`]: 'OPTOUT', [`BULK:${customer.email}`]: 'OPTIN' });
  });

  it('GET and HEAD of either URL change nothing: the page shows the masked address and the topics', async () => {
    const customer = await subscriber();
    const [link] = await linksFor([{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }]);
    const before = await counts();
    const page = await api.get(pathOf(link.url));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain(`${customer.email[0]}*********@example.com`);
    expect(page.text).not.toContain(customer.email);
    expect(page.text).toMatch(/Unsubscribe from BULK/);
    expect(page.text).toMatch(/value="NEWS" checked/);
    expect((await api.request({ method: 'HEAD' as any, url: pathOf(link.url) })).status).toBe(200);
    expect((await api.get(pathOf(link.oneClickUrl))).status).toBe(404);
    expect((await api.request({ method: 'HEAD' as any, url: pathOf(link.oneClickUrl) })).status).toBe(404);
    // A one-click POST without its body is not RFC 8058's: nothing.
    expect((await oneClick(link.oneClickUrl, 'something=else')).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it('a tampered token records nothing: one-click still answers 200 (no oracle), the page says the link is not valid', async () => {
    const customer = await subscriber();
    const [link] = await linksFor([{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }]);
    const [kid, body, mac] = link.url.split('/u/')[1].split('.');
    const flipped = (s: string) => (s[5] === 'A' ? `${s.slice(0, 5)}B${s.slice(6)}` : `${s.slice(0, 5)}A${s.slice(6)}`);
    const tampered = [`${kid}.${flipped(body)}.${mac}`, `${kid}.${body}.${flipped(mac)}`, `nokey.${body}.${mac}`, 'garbage'];
    const before = await counts();
    for (const token of tampered) {
      const res = await oneClick(`http://x/u/${token}/one-click`);
      expect([res.status, res.text]).toEqual([200, '']);
      expect((await api.get(`/u/${token}`)).status).toBe(404);
      expect((await postForm(`http://x/u/${token}`, [['action', 'everything']])).status).toBe(404);
    }
    expect(await counts()).toEqual(before);
  });

  it('preference page: saving ticks is a ledger row per change (dialect preference-page) with its event; a foreign topic is a 400 writing nothing', async () => {
    const customer = await subscriber();
    const [link] = await linksFor([{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }]);
    const before = await counts();
    const foreign = await postForm(link.url, [['action', 'save'], ['subscribed', 'SECRET']]);
    expect(foreign.status).toBe(400);
    expect((await postForm(link.url, [['action', 'drop-tables']])).status).toBe(400);
    expect(await counts()).toEqual(before);

    const saved = await postForm(link.url, [['action', 'save'], ['subscribed', 'NEWS']]);
    expect(saved.status).toBe(200);
    expect(saved.text).toMatch(/Unsubscribed from <strong>BULK<\/strong>/);
    expect(await stateOf(customer.id)).toEqual({ [`BULK:${customer.email}`]: 'OPTOUT', [`NEWS:${customer.email}`]: 'OPTIN' });
    const ledger = await rowsOf(api, 'consent_ledger', customer.id);
    expect(ledger[ledger.length - 1]).toMatchObject({ dialect: 'preference-page', topic: 'BULK', status: 'OPTOUT', reason: 'preference page' });

    const back = await postForm(link.url, [['action', 'save'], ['subscribed', 'NEWS'], ['subscribed', 'BULK']]);
    expect(back.text).toMatch(/Subscribed to <strong>BULK<\/strong>/);
    const all = await postForm(link.url, [['action', 'everything'], ['subscribed', 'NEWS']]);
    expect(all.text).toMatch(/Unsubscribed from <strong>BULK<\/strong>.*Unsubscribed from <strong>NEWS<\/strong>/s);
    expect(await stateOf(customer.id)).toEqual({ [`BULK:${customer.email}`]: 'OPTOUT', [`NEWS:${customer.email}`]: 'OPTOUT' });
    const types = (await rowsOf(api, 'events', customer.id)).map((e: any) => e.type);
    expect(types.slice(-4)).toEqual(['EMAIL_OPTOUT', 'EMAIL_OPTIN', 'EMAIL_OPTOUT', 'EMAIL_OPTOUT']);
  });

  it('the org\'s display name and accent colour come from its settings, escaped', async () => {
    await api.dataSource.query("UPDATE orgs SET display_name = $2, accent_color = '#ffcc00' WHERE id = $1", [org.orgId, 'Tom & Co <Shop>']);
    const customer = await subscriber();
    const [link] = await linksFor([{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }]);
    const page = await api.get(pathOf(link.url));
    expect(page.text).toContain('Tom &amp; Co &lt;Shop&gt;');
    // Dark text on a light accent, for contrast.
    expect(page.text).toContain('--accent: #ffcc00; --on-accent: #000000');
    await api.dataSource.query('UPDATE orgs SET display_name = NULL, accent_color = NULL WHERE id = $1', [org.orgId]);
  });
});
