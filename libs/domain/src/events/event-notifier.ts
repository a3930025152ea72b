/**
 * Told about events after their transaction commits. The domain knows no queue; the API binds
 * this to the BullMQ publisher. Implementations must not throw: the outbox is the source of truth.
 */
export abstract class EventNotifier {
  abstract eventsCommitted(eventIds: string[]): Promise<void>;
}
