import { EventNotifier } from '@app/domain';
import { EventPublisher, QueuesModule } from '@app/queues';
import { Global, Injectable, Module } from '@nestjs/common';

/** The API's EventNotifier: after commit, hand the new event ids to the `events` queue. */
@Injectable()
export class QueueEventNotifier extends EventNotifier {
  constructor(private readonly publisher: EventPublisher) {
    super();
  }

  eventsCommitted(eventIds: string[]): Promise<void> {
    return this.publisher.publishEvents(eventIds);
  }
}

@Global()
@Module({
  imports: [QueuesModule],
  providers: [EventPublisher, { provide: EventNotifier, useClass: QueueEventNotifier }],
  exports: [EventNotifier, EventPublisher],
})
export class EventNotifierModule {}
