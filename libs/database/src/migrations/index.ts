import { Init1763769600000 } from './1763769600000-init';
import { IngestRequests1763770100000 } from './1763770100000-ingest-requests';

/** Migrations in order. Listed explicitly so the build needs no glob and nothing is missed. */
export const MIGRATIONS = [Init1763769600000, IngestRequests1763770100000];
