import { ErrorCodes, invalid, notFound } from '../common/domain-error';
import { findEventType } from '../events/event-catalogue';
import { EventFilter, SubscriptionStatus } from './event-subscription.entity';

export const DEFAULT_BATCH_SIZE = 100;
export const MAX_BATCH_SIZE = 200;
const MAX_CAMPAIGN_NAMES = 1000;
const MAX_CAMPAIGN_NAME_LENGTH = 255;

/**
 * The rules of an event subscription, independent of any dialect. Each failure carries a stable
 * code (and the offending value in `details`) so a dialect can word it its own way.
 */
export function checkEventTypes(types: string[] | null | undefined): string[] {
  if (!types || types.length === 0) throw invalid(ErrorCodes.EVENT_TYPES_EMPTY, 'No event types given');
  if (new Set(types).size !== types.length) {
    throw invalid(ErrorCodes.EVENT_TYPES_DUPLICATE, 'The same event type is given twice');
  }
  const unknown = types.find((t) => !findEventType(t));
  if (unknown !== undefined) {
    throw notFound(ErrorCodes.EVENT_TYPE_UNKNOWN, `Unknown event type ${unknown}`, { eventType: unknown });
  }
  return types;
}

/** `required` on update; on create an absent status means ACTIVE. */
export function checkStatus(status: unknown, required: boolean): SubscriptionStatus {
  if (status === undefined || status === null || status === '') {
    if (required || status === '') throw invalid(ErrorCodes.SUBSCRIPTION_STATUS_MISSING, 'No subscription status given');
    return SubscriptionStatus.ACTIVE;
  }
  if (status !== SubscriptionStatus.ACTIVE && status !== SubscriptionStatus.PAUSED) {
    throw invalid(ErrorCodes.SUBSCRIPTION_STATUS_INVALID, 'Subscription status must be ACTIVE or PAUSED', { status });
  }
  return status;
}

export function checkBatchSize(batchSize: unknown, fallback: number): number {
  if (batchSize === undefined || batchSize === null) return fallback;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw invalid(ErrorCodes.INVALID_BATCH_SIZE, `batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}`, { batchSize });
  }
  return batchSize;
}

export function checkCallbackName(name: string | null | undefined): string {
  if (!name) throw invalid(ErrorCodes.CALLBACK_NAME_MISSING, 'No callback name given');
  return name;
}

/**
 * Filters narrow the subscription's own types by campaign name: each filter names at least one of
 * the subscription's types and at least one campaign, and a type sits in at most one filter.
 */
export function checkFilters(filters: EventFilter[], eventTypes: string[]): EventFilter[] {
  const filtered = new Set<string>();
  filters.forEach((filter, i) => {
    const fail = (message: string) => {
      throw invalid(ErrorCodes.INVALID_FILTERS, `filters[${i}]: ${message}`, { index: i });
    };
    if (!filter.eventTypes?.length) fail('eventTypes is empty or null');
    if (!filter.values?.length) fail('values is empty or null');
    for (const type of filter.eventTypes) {
      if (!eventTypes.includes(type)) fail(`event type [ ${type} ] is not one of the subscription's event types`);
      if (filtered.has(type)) fail(`event type [ ${type} ] is in more than one filter`);
      filtered.add(type);
    }
    for (const value of filter.values) {
      const names = value.campaignNames;
      if (!names?.length) fail('campaignNames is empty or null');
      if (names.length > MAX_CAMPAIGN_NAMES) fail(`at most ${MAX_CAMPAIGN_NAMES} campaign names`);
      if (names.some((n) => !n || n.length > MAX_CAMPAIGN_NAME_LENGTH)) {
        fail(`campaign names are 1 to ${MAX_CAMPAIGN_NAME_LENGTH} characters`);
      }
    }
  });
  return filters.map((f) => ({
    eventTypes: [...f.eventTypes],
    values: f.values.map((v) => ({ campaignNames: [...new Set(v.campaignNames)] })),
  }));
}
