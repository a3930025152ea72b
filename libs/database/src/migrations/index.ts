import { Init1763769600000 } from './1763769600000-init';
import { ConsentAddressType1763771000000 } from './1763771000000-consent-address-type';

/** Migrations in order. Listed explicitly so the build needs no glob and nothing is missed. */
export const MIGRATIONS = [Init1763769600000, ConsentAddressType1763771000000];
