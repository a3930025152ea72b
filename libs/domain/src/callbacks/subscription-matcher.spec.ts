import { SubscriptionStatus } from './event-subscription.entity';
import { subscriptionMatches } from './subscription-matcher';

const sub = (filters = [] as Array<{ eventTypes: string[]; values: Array<{ campaignNames: string[] }> }>) => ({
  id: 's',
  status: SubscriptionStatus.ACTIVE,
  eventTypes: ['EMAIL_BOUNCED', 'EMAIL_FAILED'],
  filters,
});

describe('subscriptionMatches', () => {
  it('matches subscribed types only', () => {
    expect(subscriptionMatches(sub(), { type: 'EMAIL_BOUNCED', campaignName: null })).toBe(true);
    expect(subscriptionMatches(sub(), { type: 'SMS_FAILED', campaignName: null })).toBe(false);
  });

  it('applies a filter only to the types it names', () => {
    const filtered = sub([{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['vk_campaign_failed'] }] }]);
    expect(subscriptionMatches(filtered, { type: 'EMAIL_FAILED', campaignName: 'vk_campaign_failed' })).toBe(true);
    expect(subscriptionMatches(filtered, { type: 'EMAIL_FAILED', campaignName: 'other' })).toBe(false);
    expect(subscriptionMatches(filtered, { type: 'EMAIL_FAILED', campaignName: null })).toBe(false);
    expect(subscriptionMatches(filtered, { type: 'EMAIL_BOUNCED', campaignName: 'other' })).toBe(true);
  });
});
