/** A callback or event subscription changed: the worker drops its caches; `resumed` releases held events. */
export interface SubscriptionChange {
  orgId: string;
  subscriptionId?: string;
  /** The subscription went from PAUSED to ACTIVE. */
  resumed?: boolean;
}

/**
 * Told about events and subscription changes after their transaction commits. The domain knows no
 * queue; the API binds this to the BullMQ publisher. Implementations must not throw: the outbox
 * is the source of truth.
 */
export abstract class EventNotifier {
  abstract eventsCommitted(eventIds: string[]): Promise<void>;

  /** No-op unless overridden (the CLI changes no subscriptions). */
  subscriptionChanged(_change: SubscriptionChange): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Tells no queue: for processes without the API's publisher (the CLI, the worker, a migration).
 * Events they write wait in the outbox, and the worker's sweeper fans them out.
 */
export class OutboxOnlyNotifier extends EventNotifier {
  eventsCommitted(): Promise<void> {
    return Promise.resolve();
  }
}
