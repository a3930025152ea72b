import { CONFIRMATION_REQUESTS_SQL, DoubleOptInService, OrgSecretsService, PERSON_PATHS, signLinkToken, verifyConsentLedger } from '@app/domain';
import { createSubscription, customerByIdentifier, registerCustomer, rowsOf, startWebhookHarness, TestApi, TestOrg, writeCounts, WebhookReceiver } from '@app/testing';
import { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

process.env.WEBHOOK_FLUSH_MS = '50';

const DAY_MS = 86_400_000;

/**
 * Issue 13's double opt-in: an opt-in asked with confirmation waits as UNCONFIRMED, its
 * <CHANNEL>_OPTIN_REQUESTED event carries a signed confirmUrl, the page's GET and HEAD change
 * nothing, its POST confirms with proof, and the worker records requests left too long as expired.
 */
describe('double opt-in', () => {
  let api: TestApi, worker: INestApplicationContext, receiver: WebhookReceiver, org: TestOrg, stop: () => Promise<void>;
  beforeAll(async () => ({ api, worker, receiver, org, stop } = await startWebhookHarness('confirm')));
  afterAll(async () => {
    const report = await verifyConsentLedger(api.dataSource, [org.orgId]);
    expect(report.mismatches).toEqual([]);
    await stop();
  });

  const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) person-test';
  const pathOf = (url: string) => new URL(url).pathname;
  const stateOf = async (id: number) => (await rowsOf(api, 'consents', id)).map((r: any) => `${r.topic}:${r.address}:${r.status}`);
  const counts = () => writeCounts(api, org.orgId);
  /** A native opt-in with confirmation: the answer, and the confirm URL its event carries. */
  async function requestOptIn(topic = 'NEWS') {
    const customer = await registerCustomer(api, org);
    const res = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic, address: customer.email, status: 'OPTIN', confirm: true }, org);
    expect(res.status).toBe(200);
    const events = await rowsOf(api, 'events', customer.id);
    const requested = events[events.length - 1];
    return { customer, res, event: requested, confirmUrl: requested.payload.confirmUrl as string };
  }
  const confirmPost = (url: string) =>
    api.request({ method: 'POST', url: pathOf(url), body: '', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': BROWSER_UA } });

  it('lists <CHANNEL>_OPTIN_REQUESTED in eventList, and refuses confirm with anything but OPTIN', async () => {
    const list = await api.get('/rest/api/v1.3/notifications/eventList', org);
    expect(list.body).toContainEqual({ eventType: 'EMAIL_OPTIN_REQUESTED', channel: 'EMAIL', description: expect.any(String) });
    expect(list.body).toContainEqual({ eventType: 'SMS_OPTIN_REQUESTED', channel: 'SMS', description: expect.any(String) });
    const customer = await registerCustomer(api, org);
    const before = await counts();
    const bad = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', status: 'OPTOUT', confirm: true }, org);
    expect(bad.status).toBe(400);
    expect(bad.body.message ?? JSON.stringify(bad.body)).toMatch(/confirm applies to status OPTIN only/);
    expect((await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', status: 'OPTIN', confirm: 'yes' }, org)).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('confirmed through the API: UNCONFIRMED (no sending) with an OPTIN_REQUESTED webhook carrying confirmUrl; GET and HEAD change nothing; POST confirms with proof', async () => {
    const subscription = await createSubscription(api, org, { url: receiver.url, eventTypes: ['EMAIL_OPTIN_REQUESTED', 'EMAIL_OPTIN'], batchSize: 10 });
    receiver.secrets.push(subscription.secret);
    const { customer, res, event, confirmUrl } = await requestOptIn();
    expect(res.body).toMatchObject({ result: 'applied', changed: true, record: { status: 'UNCONFIRMED', address: customer.email } });
    expect(event).toMatchObject({ type: 'EMAIL_OPTIN_REQUESTED', recipient: customer.email });
    expect(event.payload.consent).toMatchObject({ status: 'UNCONFIRMED', previousStatus: 'OPTIN', source: 'native' });
    expect(confirmUrl).toMatch(/^http:\/\/localhost:\d+\/c\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(confirmUrl).not.toContain(customer.email.split('@')[0]);

    // Not allowed to send while it waits.
    const decision = await api.get(`/v1/customers/${customer.id}/consent?channel=EMAIL&topic=NEWS&address=${encodeURIComponent(customer.email)}`, org);
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({ allowed: false, status: 'UNCONFIRMED' });

    // Deliverable like any event: the consumer gets the confirmUrl to send the person.
    await receiver.waitFor(() => receiver.eventIds().includes(event.id), 15000, 'EMAIL_OPTIN_REQUESTED');
    const delivered = receiver.received.flatMap((w) => w.body.events).find((e: any) => e.eventId === event.id);
    expect(delivered).toMatchObject({ eventType: 'EMAIL_OPTIN_REQUESTED', confirmUrl, consent: { status: 'UNCONFIRMED' } });

    // A mail scanner opens the link: GET and HEAD show, and change nothing.
    const before = await counts();
    const page = await api.get(pathOf(confirmUrl));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Confirm your subscription');
    expect(page.text).toContain(`<form method="post" action="${pathOf(confirmUrl)}">`);
    expect(page.text).not.toContain(customer.email);
    const head = await api.request({ method: 'HEAD' as any, url: pathOf(confirmUrl) });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(await counts()).toEqual(before);
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:UNCONFIRMED`]);

    // The person presses the button.
    const confirmed = await confirmPost(confirmUrl);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('Subscription confirmed');
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:OPTIN`]);
    const ledger = await rowsOf(api, 'consent_ledger', customer.id);
    const row = ledger[ledger.length - 1];
    expect(row).toMatchObject({ dialect: 'confirm-page', previous_status: 'UNCONFIRMED', status: 'OPTIN', user_agent: BROWSER_UA, api_key_id: null });
    expect(row.ip).toBeTruthy();
    expect(row.proof.kid).toBe(confirmUrl.split('/c/')[1].split('.')[0]);
    const events = await rowsOf(api, 'events', customer.id);
    expect(events[events.length - 1]).toMatchObject({ type: 'EMAIL_OPTIN', id: row.event_id });
    await receiver.waitFor(() => receiver.eventIds().includes(row.event_id), 15000, 'EMAIL_OPTIN');

    // Pressing again (or reloading) changes nothing and says it is done.
    const settled = await counts();
    const again = await confirmPost(confirmUrl);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Subscription confirmed');
    expect(await counts()).toEqual(settled);
  });

  it("Altcraft's unconfirmed status asks for confirmation too", async () => {
    const profileId = `p-${randomBytes(6).toString('hex')}`;
    const email = `${profileId}@example.com`;
    const res = await api.post('/api/v1.1/subscriptions/set', {
      token: org.key,
      db_id: 1,
      resource_id: 1,
      profile_id: profileId,
      channel: 'email',
      email,
      status: 'unconfirmed',
    });
    expect(res.status).toBe(200);
    const customerId = (await customerByIdentifier(api, org.orgId, { source: 'ALTCRAFT', accountId: '1', type: 'profileId', value: profileId }))!;
    expect(await stateOf(customerId)).toEqual([`1:${email}:UNCONFIRMED`]);
    const [event] = await rowsOf(api, 'events', customerId);
    expect(event).toMatchObject({ type: 'EMAIL_OPTIN_REQUESTED' });
    const confirmed = await confirmPost(event.payload.confirmUrl);
    expect(confirmed.status).toBe(200);
    expect(await stateOf(customerId)).toEqual([`1:${email}:OPTIN`]);
  });

  it('asking confirmation of an opt-in already recorded as OPTIN changes nothing: it stays OPTIN, no new request', async () => {
    const { customer, confirmUrl } = await requestOptIn();
    expect((await confirmPost(confirmUrl)).text).toContain('Subscription confirmed');
    const confirmedBefore = await counts();
    const again = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', address: customer.email, status: 'OPTIN', confirm: true }, org);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ result: 'unchanged', changed: false, record: { status: 'OPTIN' } });
    expect(await counts()).toEqual(confirmedBefore);
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:OPTIN`]);
    expect((await rowsOf(api, 'events', customer.id)).map((e: any) => e.type)).toEqual(['EMAIL_OPTIN_REQUESTED', 'EMAIL_OPTIN']);

    // An explicit opt-in recorded without confirmation is the person's choice too: not downgraded.
    const plain = await registerCustomer(api, org);
    await api.put(`/v1/customers/${plain.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', address: plain.email, status: 'OPTIN' }, org);
    const asked = await api.put(`/v1/customers/${plain.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', address: plain.email, status: 'OPTIN', confirm: true }, org);
    expect(asked.body).toMatchObject({ result: 'unchanged', record: { status: 'OPTIN' } });
    expect(await stateOf(plain.id)).toEqual([`NEWS:${plain.email}:OPTIN`]);
    expect((await rowsOf(api, 'events', plain.id)).some((e: any) => e.type === 'EMAIL_OPTIN_REQUESTED')).toBe(false);
  });

  it("Altcraft's unconfirmed on a record already OPTIN keeps the opt-in and asks for nothing", async () => {
    const profileId = `p-${randomBytes(6).toString('hex')}`;
    const email = `${profileId}@example.com`;
    const set = (status: string) =>
      api.post('/api/v1.1/subscriptions/set', { token: org.key, db_id: 1, resource_id: 1, profile_id: profileId, channel: 'email', email, status });
    expect((await set('subscribed')).status).toBe(200);
    const customerId = (await customerByIdentifier(api, org.orgId, { source: 'ALTCRAFT', accountId: '1', type: 'profileId', value: profileId }))!;
    expect(await stateOf(customerId)).toEqual([`1:${email}:OPTIN`]);
    const before = await counts();
    expect((await set('unconfirmed')).status).toBe(200);
    expect(await counts()).toEqual(before);
    expect(await stateOf(customerId)).toEqual([`1:${email}:OPTIN`]);
    expect((await rowsOf(api, 'events', customerId)).some((e: any) => e.type === 'EMAIL_OPTIN_REQUESTED')).toBe(false);
  });

  it('a tampered token, or an unsubscribe token, confirms nothing', async () => {
    const { customer, confirmUrl } = await requestOptIn();
    const [kid, body, mac] = confirmUrl.split('/c/')[1].split('.');
    const flipped = mac[5] === 'A' ? 'B' : 'A';
    const tampered = `/c/${kid}.${body}.${mac.slice(0, 5)}${flipped}${mac.slice(6)}`;
    const [unsubscribe] = (await api.post('/v1/unsubscribe-links', { items: [{ customerId: customer.id, channel: 'EMAIL', topic: 'NEWS', address: customer.email }] }, org)).body.items;
    const asConfirm = `/c/${pathOf(unsubscribe.url).slice('/u/'.length)}`;
    const before = await counts();
    for (const url of [tampered, asConfirm, '/c/not-a-token']) {
      const page = await api.get(url);
      expect(page.status).toBe(404);
      expect(page.text).toContain('This link is not valid');
      expect((await confirmPost(`http://x${url}`)).status).toBe(404);
    }
    expect(await counts()).toEqual(before);
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:UNCONFIRMED`]);
  });

  it('an opt-out after the request closes it: the old link confirms nothing', async () => {
    const { customer, confirmUrl } = await requestOptIn();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const out = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', address: customer.email, status: 'OPTOUT' }, org);
    expect(out.body.result).toBe('applied');
    const before = await counts();
    const res = await confirmPost(confirmUrl);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Nothing to confirm');
    expect(await counts()).toEqual(before);
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:OPTOUT`]);
  });

  it('expiry: the worker records a request left past CONFIRM_TTL_DAYS as expired, once; sending stays forbidden and the link confirms nothing', async () => {
    const { customer, confirmUrl } = await requestOptIn();
    const [requestRow] = await rowsOf(api, 'consent_ledger', customer.id).then((rows) => rows.slice(-1));
    const expiry = worker.get(DoubleOptInService);
    // Not yet due: nothing of this customer's is touched.
    await expiry.expireStale(new Date(Date.now() + 6 * DAY_MS));
    expect(await rowsOf(api, 'consent_ledger', customer.id)).toHaveLength(1);

    // Eight days on (the default TTL is 7): every due request is expired, a bounded batch at a time.
    const later = new Date(Date.now() + 8 * DAY_MS);
    while ((await expiry.expireStale(later)) > 0);
    const ledger = await rowsOf(api, 'consent_ledger', customer.id);
    expect(ledger).toHaveLength(2);
    expect(ledger[1]).toMatchObject({ dialect: 'system', previous_status: 'UNCONFIRMED', status: 'UNCONFIRMED', reason: 'confirmation expired', event_id: null });
    // At the request's time plus the TTL, or when it was recorded if that is earlier (no change is dated in the future).
    expect(ledger[1].occurred_at.getTime()).toBeGreaterThan(requestRow.occurred_at.getTime());
    expect(ledger[1].occurred_at.getTime()).toBeLessThanOrEqual(Math.min(Date.now(), requestRow.occurred_at.getTime() + 7 * DAY_MS));
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:UNCONFIRMED`]);

    // Recorded once: a later sweep that sees it again (its state is older than the TTL) writes nothing more.
    await expiry.expireStale(new Date(Date.now() + 9 * DAY_MS));
    expect(await rowsOf(api, 'consent_ledger', customer.id)).toHaveLength(2);

    const before = await counts();
    const page = await api.get(pathOf(confirmUrl));
    expect(page.text).toContain('This confirmation link has expired');
    const res = await confirmPost(confirmUrl);
    expect(res.text).toContain('This confirmation link has expired');
    expect(await counts()).toEqual(before);
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:UNCONFIRMED`]);

    // Asked again after the expiry: a new request, with a new link that confirms.
    const again = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', address: customer.email, status: 'OPTIN', confirm: true }, org);
    expect(again.body).toMatchObject({ result: 'applied', record: { status: 'UNCONFIRMED' } });
    const events = await rowsOf(api, 'events', customer.id);
    expect(events.map((e: any) => e.type)).toEqual(['EMAIL_OPTIN_REQUESTED', 'EMAIL_OPTIN_REQUESTED']);
    const fresh = events[1].payload.confirmUrl;
    expect(fresh).not.toBe(confirmUrl);
    // (The first link, minted moments ago in real time, would confirm too: only its faked age expired it.)
    expect((await confirmPost(fresh)).text).toContain('Subscription confirmed');
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:OPTIN`]);
  });

  it('the expiry scan reads a bounded chunk through an index, and never reads a request again once past it', async () => {
    // The plan of the scan's one query: the partial index on confirmation requests, in id order, a LIMIT.
    const plan = await api.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const [row] = await manager.query(`EXPLAIN (FORMAT JSON) ${CONFIRMATION_REQUESTS_SQL}`, ['0', 'confirmation expired', 200]);
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('"Node Type":"Limit"');
    expect(plan).toContain('"Index Name":"consent_ledger_confirmation_requests"');
    expect(plan).not.toContain('"Node Type":"Seq Scan"');

    const { customer } = await requestOptIn();
    const [request] = (await rowsOf(api, 'consent_ledger', customer.id)).slice(-1);
    const expiry = worker.get(DoubleOptInService);
    const cursor = async () => Number((await api.dataSource.query("SELECT position FROM sweep_cursors WHERE name = 'confirmation-expiry'"))[0].position);
    // Not due: the cursor stops before it.
    await expiry.expireStale(new Date(Date.now() + 6 * DAY_MS));
    expect(await cursor()).toBeLessThan(Number(request.id));
    const later = new Date(Date.now() + 8 * DAY_MS);
    // Two workers at once: each request is expired once.
    while ((await Promise.all([expiry.expireStale(later), expiry.expireStale(later)])).some((n) => n > 0));
    expect(await cursor()).toBeGreaterThanOrEqual(Number(request.id));
    const ledger = await rowsOf(api, 'consent_ledger', customer.id);
    expect(ledger.map((r: any) => r.reason)).toEqual([null, 'confirmation expired']);
  });

  it('a confirm link older than CONFIRM_TTL_DAYS confirms nothing, even before the worker has recorded the expiry', async () => {
    const { customer } = await requestOptIn();
    const key = await api.app.get(OrgSecretsService).signingKey(org.orgId);
    const subject = { orgId: org.orgId, customerId: customer.id, channel: 'EMAIL' as never, topic: 'NEWS', accountId: '', address: customer.email };
    const aged = signLinkToken({ ...subject, purpose: 'confirm', issuedAt: Math.floor((Date.now() - 8 * DAY_MS) / 1000) }, key);
    const before = await counts();
    const page = await api.get(PERSON_PATHS.confirm(aged));
    expect(page.status).toBe(200);
    expect(page.text).toContain('This confirmation link has expired');
    expect((await confirmPost(`http://x${PERSON_PATHS.confirm(aged)}`)).text).toContain('This confirmation link has expired');
    expect(await counts()).toEqual(before);
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:UNCONFIRMED`]);
    // The same subject signed now still confirms: only the age refused it.
    const fresh = signLinkToken({ ...subject, purpose: 'confirm', issuedAt: Math.floor(Date.now() / 1000) }, key);
    expect((await confirmPost(`http://x${PERSON_PATHS.confirm(fresh)}`)).text).toContain('Subscription confirmed');
    expect(await stateOf(customer.id)).toEqual([`NEWS:${customer.email}:OPTIN`]);
  });
});
