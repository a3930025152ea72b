import { Module } from '@nestjs/common';
import { CallbacksService } from './callbacks/callbacks.service';
import { EventSubscriptionsService } from './callbacks/event-subscriptions.service';
import { ConsentDecisionsService } from './consents/consent-decisions.service';
import { ConsentHistoryService } from './consents/consent-history';
import { ConsentsService } from './consents/consents.service';
import { CustomerIdentitiesService } from './customers/customer-identities.service';
import { CustomerMergeService } from './customers/customer-merge.service';
import { CustomerSearchService } from './customers/customer-search';
import { CustomerUpdateService } from './customers/customer-update.service';
import { CustomersService } from './customers/customers.service';
import { LoyaltyService } from './loyalty/loyalty.service';
import { EventIngestService } from './events/event-ingest.service';
import { OrgsService } from './orgs/orgs.service';
import { OrgSecretsService } from './privacy/org-secrets.service';
import { PersonLinksService } from './privacy/person-links.service';
import { PersonPreferencesService } from './privacy/person-preferences.service';
import { ErasureService } from './privacy/erasure.service';
import { PersonExportService } from './privacy/export.service';
import { DoubleOptInService } from './privacy/double-opt-in.service';

const SERVICES = [
  OrgsService,
  CustomersService,
  ConsentsService,
  ConsentDecisionsService,
  ConsentHistoryService,
  CustomerMergeService,
  CustomerIdentitiesService,
  CustomerUpdateService,
  CustomerSearchService,
  LoyaltyService,
  CallbacksService,
  EventSubscriptionsService,
  EventIngestService,
  OrgSecretsService,
  PersonLinksService,
  PersonPreferencesService,
  ErasureService,
  PersonExportService,
  DoubleOptInService,
];

/**
 * The domain services. The importing app must provide an `EventNotifier` (the API binds it to the
 * queue publisher; the CLI to a no-op, since its changes never emit events).
 */
@Module({
  providers: SERVICES,
  exports: SERVICES,
})
export class DomainModule {}
