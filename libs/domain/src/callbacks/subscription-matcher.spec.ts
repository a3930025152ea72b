import { SubscriptionStatus } from './event-subscription.entity';
import { subscriptionMatches, whyNotMatching, withoutTakenTypes } from './subscription-matcher';

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

describe('whyNotMatching', () => {
  it('names the type a subscription no longer takes, or the campaign its filter refuses', () => {
    const filtered = sub([{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['keep'] }] }]);
    expect(whyNotMatching(filtered, { type: 'EMAIL_FAILED', campaignName: 'keep' })).toBeNull();
    expect(whyNotMatching(filtered, { type: 'SMS_FAILED', campaignName: 'keep' })).toContain('event type SMS_FAILED');
    expect(whyNotMatching(filtered, { type: 'EMAIL_FAILED', campaignName: 'drop' })).toContain('campaign "drop"');
    expect(whyNotMatching(filtered, { type: 'EMAIL_FAILED', campaignName: null })).toContain('campaign (none)');
  });
});

describe('withoutTakenTypes', () => {
  it('drops from PAUSED subscriptions the types an ACTIVE one has, and leaves the rest alone', () => {
    const active = { ...sub(), id: 'a', eventTypes: ['EMAIL_BOUNCED'] };
    const paused = { ...sub(), id: 'p', status: SubscriptionStatus.PAUSED };
    const otherPaused = { ...sub(), id: 'q', status: SubscriptionStatus.PAUSED, eventTypes: ['SMS_FAILED'] };
    expect(withoutTakenTypes([active, paused, otherPaused])).toEqual([active, { ...paused, eventTypes: ['EMAIL_FAILED'] }, otherPaused]);
    // Two PAUSED ones with the same type both hold it: either may be the one resumed.
    expect(withoutTakenTypes([paused, { ...paused, id: 'p2' }])).toEqual([paused, { ...paused, id: 'p2' }]);
  });
});
