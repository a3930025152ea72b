import { createSubscription, registerCustomer, rowsOf, TestApi, TestOrg, startWebhookHarness, WebhookReceiver } from '@app/testing';

process.env.WEBHOOK_FLUSH_MS = '50';

/** Consecutive requests must not share a millisecond: on equal times the opt-out wins by rule. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * A merge as a user meets it: two Capillary customers turn out to be one person (the victim adds an
 * identifier the survivor holds in another source). Every opt-out survives unless the other side
 * opted in explicitly and later; the victim's history stays readable under the survivor; consumers
 * hear of it through a CUSTOMER_MERGED webhook.
 */
describe('customer merge', () => {
  let api: TestApi, receiver: WebhookReceiver, org: TestOrg, stop: () => Promise<void>;
  beforeAll(async () => ({ api, receiver, org, stop } = await startWebhookHarness('merge')));
  afterAll(() => stop());

  const subscribe = async (id: number, channel: string, priority: string, type: 'OPTIN' | 'OPTOUT') => {
    const res = await api.post(`/v2/customers/${id}/subscriptions`, { subscriptions: [{ channel, priority, type }] }, org);
    expect(res.status).toBe(200);
    await tick();
  };
  /** Capillary records no opt-in where none was recorded (it is the default): opt out first, then in. */
  const optInExplicitly = async (id: number, channel: string, priority: string) => {
    await subscribe(id, channel, priority, 'OPTOUT');
    await subscribe(id, channel, priority, 'OPTIN');
  };
  /** The victim adds, in its own source, an identifier the survivor holds in another: Capillary merges. */
  const mergeByIdentifier = (victimId: number, identifier: { type: string; value: string }) =>
    api.post(`/v2/customers/${victimId}/changeIdentifier?source=INSTORE`, { add: [identifier] }, org);
  const subscriptionsOf = async (id: number) =>
    Object.fromEntries(
      (await api.get(`/v2/customers/${id}/subscriptions`, org)).body.subscriptions.map(
        (s: { channel: string; priority: string; type: string }) => [`${s.channel} ${s.priority}`, s.type],
      ),
    );

  it('lists CUSTOMER_MERGED in eventList, with no channel', async () => {
    const res = await api.get('/rest/api/v1.3/notifications/eventList', org);
    expect(res.body).toContainEqual({ eventType: 'CUSTOMER_MERGED', channel: null, description: expect.any(String) });
  });

  it('keeps every opt-out unless the other side opted in explicitly later; history and webhook say what happened', async () => {
    const subscription = await createSubscription(api, org, { url: receiver.url, eventTypes: ['CUSTOMER_MERGED'], batchSize: 10 });
    receiver.secrets.push(subscription.secret);
    const survivor = await registerCustomer(api, org, { source: 'MARTJACK' });
    const victim = await registerCustomer(api, org);

    await subscribe(survivor.id, 'EMAIL', 'BULK', 'OPTOUT');
    await optInExplicitly(victim.id, 'EMAIL', 'BULK'); // the victim's later explicit opt-in wins
    await optInExplicitly(victim.id, 'SMS', 'BULK');
    await subscribe(survivor.id, 'SMS', 'BULK', 'OPTOUT'); // a later opt-out wins
    await optInExplicitly(survivor.id, 'EMAIL', 'TRANS');
    await subscribe(victim.id, 'EMAIL', 'TRANS', 'OPTOUT'); // the victim's later opt-out wins
    await subscribe(victim.id, 'SMS', 'TRANS', 'OPTOUT');
    await optInExplicitly(survivor.id, 'SMS', 'TRANS'); // the survivor's later explicit opt-in wins
    await subscribe(victim.id, 'WECHAT', 'BULK', 'OPTOUT'); // only the victim had a record: it moves over
    const victimStateBefore = await rowsOf(api, 'consents', victim.id);

    const merged = await mergeByIdentifier(victim.id, { type: 'mobile', value: survivor.mobile });
    expect(merged.body).toEqual({
      success: true,
      warnings: [{ code: 8051, message: `Same identifier found in other source. Merging into the account with user id ${survivor.id}` }],
    });

    expect(await subscriptionsOf(survivor.id)).toMatchObject({
      'EMAIL BULK': 'OPTIN',
      'SMS BULK': 'OPTOUT',
      'EMAIL TRANS': 'OPTOUT',
      'SMS TRANS': 'OPTIN',
      'WECHAT BULK': 'OPTOUT',
    });

    // Each change to the survivor is a ledger row with reason merge naming the victim, and an event.
    const mergeRows = (await rowsOf(api, 'consent_ledger', survivor.id)).filter((r: { reason: string }) => r.reason === 'merge');
    expect(mergeRows.map((r: { channel: string; topic: string; status: string }) => `${r.channel} ${r.topic} ${r.status}`).sort()).toEqual([
      'EMAIL BULK OPTIN',
      'EMAIL TRANS OPTOUT',
      'WECHAT BULK OPTOUT',
    ]);
    for (const row of mergeRows) {
      expect(row.proof).toEqual({ mergedFrom: victim.id });
      expect(row.event_id).toBeTruthy();
    }
    // The victim keeps its own rows, frozen, and points at the survivor.
    expect(await rowsOf(api, 'consents', victim.id)).toEqual(victimStateBefore);
    const [victimRow] = await api.dataSource.query('SELECT merged_into, merged_at FROM customers WHERE id = $1', [victim.id]);
    expect(Number(victimRow.merged_into)).toBe(survivor.id);
    expect(victimRow.merged_at).toBeInstanceOf(Date);

    // The survivor's change log reads the victim's ledger too, newest first, each victim row marked.
    const log = await api.get(`/v2/customers/${survivor.id}/subscriptionStatusChangeLog?limit=50`, org);
    expect(log.body.pagination.total).toBe(6 + 7 + 3); // the survivor's, the victim's, the merge's
    const ids = log.body.data.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const fromVictim = log.body.data.filter((e: { mergedFrom?: number }) => e.mergedFrom !== undefined);
    expect(fromVictim).toHaveLength(7);
    expect(fromVictim.every((e: { mergedFrom: number }) => e.mergedFrom === victim.id)).toBe(true);

    // The victim answers 8069 naming the survivor; its identifiers answer the survivor.
    const fetched = await api.get(`/v2/customers/${victim.id}?source=ALL`, org);
    expect(fetched.body.errors[0].code).toBe(8069);
    expect(fetched.body.errors[0].message).toContain(String(survivor.id));
    const lookup = await api.get(`/v2/customers/lookup?source=ALL&identifierName=email&identifierValue=${victim.email}`, org);
    expect(lookup.body.entity).toBe(survivor.id);
    // Its frozen records are not the person's consent any more: reading them is 8069 too ...
    expect((await api.get(`/v2/customers/${victim.id}/subscriptions`, org)).body.errors[0].code).toBe(8069);
    // ... while a write to its id is recorded on the survivor, and says so.
    const write = await api.post(`/v2/customers/${victim.id}/subscriptions`, { subscriptions: [{ channel: 'SMS', priority: 'TRANS', type: 'OPTOUT' }] }, org);
    expect(write.status).toBe(200);
    expect(write.body.warnings).toEqual([expect.objectContaining({ code: 8069, message: expect.stringContaining(String(survivor.id)) })]);
    const survivorState = await api.get(`/v2/customers/${survivor.id}/subscriptions`, org);
    expect(survivorState.body.subscriptions).toContainEqual({ channel: 'SMS', accountId: '', priority: 'TRANS', type: 'OPTOUT' });

    await receiver.waitFor(() => receiver.eventIds().length === 1, 15000, 'CUSTOMER_MERGED');
    const [webhook] = receiver.received;
    expect(webhook.verified).toBe(true);
    const [event] = webhook.body.events;
    expect(event).toMatchObject({ eventType: 'CUSTOMER_MERGED', customerId: survivor.id, channelType: null });
    expect(event.merge.survivorId).toBe(survivor.id);
    expect(event.merge.victimId).toBe(victim.id);
    const conflict = (channel: string, topic: string, survivorStatus: string, victimStatus: string, result: string) => ({
      channel,
      topic,
      accountId: '',
      address: '',
      survivorStatus,
      victimStatus,
      result,
    });
    expect(event.merge.conflicts).toEqual(
      expect.arrayContaining([
        conflict('EMAIL', 'BULK', 'OPTOUT', 'OPTIN', 'OPTIN'),
        conflict('SMS', 'BULK', 'OPTOUT', 'OPTIN', 'OPTOUT'),
        conflict('EMAIL', 'TRANS', 'OPTIN', 'OPTOUT', 'OPTOUT'),
        conflict('SMS', 'TRANS', 'OPTIN', 'OPTOUT', 'OPTIN'),
      ]),
    );
    expect(event.merge.conflicts).toHaveLength(4);
  });

  it('two merges into one survivor at once neither deadlock nor lose an opt-out; a later merge of the survivor keeps one hop', async () => {
    const survivor = await registerCustomer(api, org, { source: 'MARTJACK' });
    const first = await registerCustomer(api, org);
    const second = await registerCustomer(api, org);
    await subscribe(first.id, 'EMAIL', 'BULK', 'OPTOUT');
    await subscribe(second.id, 'SMS', 'BULK', 'OPTOUT');

    const answers = await Promise.all([
      mergeByIdentifier(first.id, { type: 'mobile', value: survivor.mobile }),
      mergeByIdentifier(second.id, { type: 'email', value: survivor.email }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.warnings[0].code).toBe(8051);
    }
    expect(await subscriptionsOf(survivor.id)).toMatchObject({ 'EMAIL BULK': 'OPTOUT', 'SMS BULK': 'OPTOUT' });

    // The survivor is itself merged into a third customer: its victims now point there directly.
    const third = await registerCustomer(api, org, { source: 'MARTJACK' });
    const attached = await api.post(`/v1/customers/${third.id}/identities`, { type: 'mobile', value: first.mobile }, org);
    expect(attached.body.merged).toEqual([{ customerId: survivor.id, conflicts: [] }]);
    const pointers = await api.dataSource.query('SELECT id, merged_into FROM customers WHERE id = ANY($1) ORDER BY id', [
      [survivor.id, first.id, second.id],
    ]);
    expect(pointers.map((p: { merged_into: string }) => Number(p.merged_into))).toEqual([third.id, third.id, third.id]);
    expect(await subscriptionsOf(third.id)).toMatchObject({ 'EMAIL BULK': 'OPTOUT', 'SMS BULK': 'OPTOUT' });
    const log = await api.get(`/v2/customers/${third.id}/subscriptionStatusChangeLog?limit=50`, org);
    const sources = new Set(log.body.data.map((e: { mergedFrom?: number }) => e.mergedFrom));
    expect(sources).toEqual(new Set([undefined, survivor.id, first.id, second.id]));
  });
});
