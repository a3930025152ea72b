import { EventNotifier, OutboxOnlyNotifier } from '@app/domain';
import { Global, Module } from '@nestjs/common';

/**
 * The worker's EventNotifier, for the domain services it runs (the expiry of confirmation
 * requests). Those write no events; should one ever do, the outbox sweeper fans it out.
 */
@Global()
@Module({ providers: [{ provide: EventNotifier, useClass: OutboxOnlyNotifier }], exports: [EventNotifier] })
export class OutboxOnlyNotifierModule {}
