import { EventNotifier, SubscriptionChange } from '@app/domain';
import { EventPublisher, QueuesModule } from '@app/queues';
import { Global, Injectable, Module } from '@nestjs/common';
import { ApiMetrics } from '../metrics/api-metrics';

/** The API's EventNotifier: after commit, hand new event ids and subscription changes to the `events` queue. */
@Injectable()
export class QueueEventNotifier extends EventNotifier {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: ApiMetrics,
  ) {
    super();
  }

  eventsCommitted(eventIds: string[]): Promise<void> {
    this.metrics.eventsAccepted.inc(eventIds.length);
    return this.publisher.publishEvents(eventIds);
  }

  override subscriptionChanged(change: SubscriptionChange): Promise<void> {
    return this.publisher.subscriptionChanged(change);
  }
}

@Global()
@Module({
  imports: [QueuesModule.forProducer()],
  providers: [EventPublisher, { provide: EventNotifier, useClass: QueueEventNotifier }],
  exports: [EventNotifier, EventPublisher],
})
export class EventNotifierModule {}
