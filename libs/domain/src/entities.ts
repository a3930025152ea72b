import { Callback } from './callbacks/callback.entity';
import { EventSubscription } from './callbacks/event-subscription.entity';
import { ConsentLedgerEntry } from './consents/consent-ledger-entry.entity';
import { Consent } from './consents/consent.entity';
import { CustomerIdentifier } from './customers/customer-identifier.entity';
import { CustomerProfile } from './customers/customer-profile.entity';
import { Customer } from './customers/customer.entity';
import { DeliveryAttempt } from './deliveries/delivery-attempt.entity';
import { DeliveryBatch } from './deliveries/delivery-batch.entity';
import { IngestRequest } from './events/ingest-request.entity';
import { OutboxEvent } from './events/outbox-event.entity';
import { LoyaltyProgram } from './loyalty/loyalty-program.entity';
import { ApiKey } from './orgs/api-key.entity';
import { Org } from './orgs/org.entity';

/** Every entity, for the data source. Add new entities here. */
export const ENTITIES = [
  Org,
  ApiKey,
  Customer,
  CustomerProfile,
  CustomerIdentifier,
  Consent,
  ConsentLedgerEntry,
  OutboxEvent,
  Callback,
  EventSubscription,
  DeliveryBatch,
  DeliveryAttempt,
  IngestRequest,
  LoyaltyProgram,
];
