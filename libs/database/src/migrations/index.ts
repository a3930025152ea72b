import { Init1763769600000 } from './1763769600000-init';

/** Migrations in order. Listed explicitly so the build needs no glob and nothing is missed. */
export const MIGRATIONS = [Init1763769600000];
