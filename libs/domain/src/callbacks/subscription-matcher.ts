import { EventFilter, SubscriptionStatus } from './event-subscription.entity';

export interface MatchableSubscription {
  id: string;
  status: SubscriptionStatus;
  eventTypes: string[];
  filters: EventFilter[];
}

export interface MatchableEvent {
  type: string;
  campaignName: string | null;
}

/**
 * Does the event go to this subscription? ACTIVE and PAUSED both match (PAUSED holds, it does
 * not drop). The type must be subscribed; when a filter names the type, the event's campaign
 * name must be in one of that filter's lists. Types no filter names pass.
 */
export function subscriptionMatches(subscription: MatchableSubscription, event: MatchableEvent): boolean {
  if (!subscription.eventTypes.includes(event.type)) return false;
  const filters = subscription.filters.filter((f) => f.eventTypes.includes(event.type));
  if (filters.length === 0) return true;
  const campaign = event.campaignName;
  if (!campaign) return false;
  return filters.some((f) => f.values.some((v) => v.campaignNames.includes(campaign)));
}
