import { Init1763769600000 } from './1763769600000-init';
import { IngestRequests1763770100000 } from './1763770100000-ingest-requests';
import { ConsentAddressType1763771000000 } from './1763771000000-consent-address-type';
import { Deliveries1763772000000 } from './1763772000000-deliveries';
import { ConsentTimeAndMerge1764590000000 } from './1764590000000-consent-time-and-merge';
import { NormalizedIdentity1764600000000 } from './1764600000000-normalized-identity';
import { CustomerSearchAndLoyalty1764700000000 } from './1764700000000-customer-search-and-loyalty';
import { PersonSide1764710000000 } from './1764710000000-person-side';
import { OrgScopedEventIds1764720000000 } from './1764720000000-org-scoped-event-ids';
import { OrgRateLimit1764740000000 } from './1764740000000-org-rate-limit';
import { ConfirmationExpiry1764750000000 } from './1764750000000-confirmation-expiry';
import { Retention1764760000000 } from './1764760000000-retention';
import { ConfirmationExpiryCursor1764770000000 } from './1764770000000-confirmation-expiry-cursor';
import { FanOutPartitions1764780000000 } from './1764780000000-fan-out-partitions';
import { DeliveryEdgeCases1764790000000 } from './1764790000000-delivery-edge-cases';

/** Migrations in order. Listed explicitly so the build needs no glob and nothing is missed. */
export const MIGRATIONS = [
  Init1763769600000,
  IngestRequests1763770100000,
  ConsentAddressType1763771000000,
  Deliveries1763772000000,
  ConsentTimeAndMerge1764590000000,
  NormalizedIdentity1764600000000,
  CustomerSearchAndLoyalty1764700000000,
  PersonSide1764710000000,
  OrgScopedEventIds1764720000000,
  OrgRateLimit1764740000000,
  ConfirmationExpiry1764750000000,
  Retention1764760000000,
  ConfirmationExpiryCursor1764770000000,
  FanOutPartitions1764780000000,
  DeliveryEdgeCases1764790000000,
];
