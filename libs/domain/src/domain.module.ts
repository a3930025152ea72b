import { Module } from '@nestjs/common';
import { CallbacksService } from './callbacks/callbacks.service';
import { EventSubscriptionsService } from './callbacks/event-subscriptions.service';
import { ConsentsService } from './consents/consents.service';
import { CustomersService } from './customers/customers.service';
import { EventIngestService } from './events/event-ingest.service';
import { OrgsService } from './orgs/orgs.service';

/**
 * The domain services. The importing app must provide an `EventNotifier` (the API binds it to the
 * queue publisher; the CLI to a no-op, since its changes never emit events).
 */
@Module({
  providers: [OrgsService, CustomersService, ConsentsService, CallbacksService, EventSubscriptionsService, EventIngestService],
  exports: [OrgsService, CustomersService, ConsentsService, CallbacksService, EventSubscriptionsService, EventIngestService],
})
export class DomainModule {}
