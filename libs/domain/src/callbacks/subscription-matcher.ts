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
  return whyNotMatching(subscription, event) === null;
}

/** Why the event does not go to this subscription, in words an operator reads; null when it does. */
export function whyNotMatching(subscription: MatchableSubscription, event: MatchableEvent): string | null {
  if (!subscription.eventTypes.includes(event.type)) return `The subscription no longer takes event type ${event.type}`;
  const filters = subscription.filters.filter((f) => f.eventTypes.includes(event.type));
  if (filters.length === 0) return null;
  const campaign = event.campaignName;
  if (campaign && filters.some((f) => f.values.some((v) => v.campaignNames.includes(campaign)))) return null;
  return `The subscription's filter on ${event.type} does not take campaign ${campaign === null ? '(none)' : JSON.stringify(campaign)}`;
}

/**
 * An org's subscriptions as fan-out matches them. An event type sits in one ACTIVE subscription
 * of an org at most, and a PAUSED subscription that also has a type an ACTIVE one took cannot be
 * resumed with it (nor edited while it keeps it): events of that type go to the ACTIVE one, and
 * the PAUSED one holds none of them, which it could never send and would only keep until they
 * expired. What it held before the type was taken stays held.
 */
export function withoutTakenTypes<S extends MatchableSubscription>(subscriptions: S[]): S[] {
  const taken = new Set(subscriptions.filter((s) => s.status === SubscriptionStatus.ACTIVE).flatMap((s) => s.eventTypes));
  if (taken.size === 0) return subscriptions;
  return subscriptions.map((s) =>
    s.status === SubscriptionStatus.PAUSED && s.eventTypes.some((t) => taken.has(t))
      ? { ...s, eventTypes: s.eventTypes.filter((t) => !taken.has(t)) }
      : s,
  );
}
