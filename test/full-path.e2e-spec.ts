import { registerCustomer, TestApi, TestOrg, startWebhookHarness, WebhookReceiver } from '@app/testing';

process.env.WEBHOOK_FLUSH_MS = '50';

const NOTIFICATIONS = '/rest/api/v1.3/notifications';

/**
 * The whole path as a user meets it: a consumer registers through the Responsys API, a campaign
 * tool opts a customer out through Capillary and reports a bounce through ingest, and the consumer
 * receives both, signed with the secret the API showed it once.
 */
describe('full path: Responsys registration, Capillary opt-out and ingest, signed webhook', () => {
  let api: TestApi, receiver: WebhookReceiver, org: TestOrg, stop: () => Promise<void>;
  beforeAll(async () => ({ api, receiver, org, stop } = await startWebhookHarness('full-path')));
  afterAll(() => stop());

  it('delivers a Capillary opt-out and an ingested bounce to a Responsys subscription', async () => {
    const callback = await api.post(`${NOTIFICATIONS}/callbacks`, { callBackName: 'crm', callBackUrl: receiver.url }, org);
    expect(callback.status).toBe(201);
    receiver.secrets.push(callback.body.signingSecret);
    const subscription = await api.post(
      `${NOTIFICATIONS}/subscriptions`,
      { subscriptionName: 'crm-consent', callBackName: 'crm', eventTypes: ['EMAIL_OPTOUT', 'EMAIL_BOUNCED'], batchSize: 10 },
      org,
    );
    expect(subscription.status).toBe(201);

    const customer = await registerCustomer(api, org);
    const optOut = await api.post(
      `/v2/customers/${customer.id}/subscriptions`,
      { campaignId: 42, reason: 'unsubscribe link', subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] },
      org,
    );
    expect(optOut.status).toBe(200);
    const bounce = await api.post(
      '/v1/events',
      { events: [{ type: 'EMAIL_BOUNCED', customerId: customer.id, channel: 'EMAIL', campaignName: 'Spring', recipient: customer.email, reason: 'MAILBOX_FULL' }] },
      org,
    );
    expect(bounce.status).toBe(202);

    await receiver.waitFor(() => receiver.eventIds().length === 2);
    expect(receiver.received.every((w) => w.verified)).toBe(true);
    const events = receiver.received.flatMap((w) => w.body.events);
    expect(events[0]).toMatchObject({
      eventType: 'EMAIL_OPTOUT',
      customerId: customer.id,
      campaignId: '42',
      channelType: 'EMAIL',
      consent: { channel: 'EMAIL', topic: 'BULK', status: 'OPTOUT', previousStatus: 'OPTIN', reason: 'unsubscribe link' },
    });
    expect(events[1]).toMatchObject({
      eventId: bounce.body.eventIds[0],
      eventType: 'EMAIL_BOUNCED',
      campaignName: 'Spring',
      recipient: customer.email,
      failureReason: 'MAILBOX_FULL',
    });
    expect(receiver.received[0].body).toMatchObject({ subscriptionName: 'crm-consent', callBackName: 'crm' });
  });
});
