import { Module } from '@nestjs/common';
import { ConsentDecisionsService } from './consents/consent-decisions.service';
import { ConsentsService } from './consents/consents.service';
import { CustomersService } from './customers/customers.service';
import { OrgsService } from './orgs/orgs.service';

/**
 * The domain services. The importing app must provide an `EventNotifier` (the API binds it to the
 * queue publisher; the CLI to a no-op, since its changes never emit events).
 */
@Module({
  providers: [OrgsService, CustomersService, ConsentsService, ConsentDecisionsService],
  exports: [OrgsService, CustomersService, ConsentsService, ConsentDecisionsService],
})
export class DomainModule {}
