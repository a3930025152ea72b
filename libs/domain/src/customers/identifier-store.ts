import { EntityManager } from 'typeorm';
import { IdentifierValue } from './customer-references';
import { CustomerIdentifier } from './customer-identifier.entity';
import { CustomerProfile } from './customer-profile.entity';

/** One identifier in one source and account. */
export interface SourcedIdentifier extends IdentifierValue {
  source: string;
  accountId: string;
}

/**
 * Serialises, per identifier value, every change that takes one (registration, attach,
 * changeIdentifier): two of them at once would both see the value unknown, or both decide to
 * merge its holder. Advisory locks are taken before any customer row lock, in one sorted order.
 */
export async function lockIdentifierValues(manager: EntityManager, orgId: string, identifiers: IdentifierValue[]): Promise<void> {
  const keys = [...new Set(identifiers.map((i) => `identifier:${orgId}:${i.type}:${i.value}`))];
  if (keys.length === 0) return;
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k', [keys]);
}

/** Every row holding one of these values, in any source. */
export async function holdersOf(manager: EntityManager, orgId: string, identifiers: IdentifierValue[]): Promise<CustomerIdentifier[]> {
  if (identifiers.length === 0) return [];
  return manager.find(CustomerIdentifier, {
    where: identifiers.map((i) => ({ orgId, type: i.type, value: i.value })),
    order: { id: 'ASC' },
  });
}

export const sameSource = (a: { source: string; accountId: string }, b: { source: string; accountId: string }) =>
  a.source === b.source && a.accountId === b.accountId;

export const sameIdentifier = (a: SourcedIdentifier, b: SourcedIdentifier) =>
  sameSource(a, b) && a.type === b.type && a.value === b.value;

/** The customer's profile in a source and account, created empty when it has none. */
export async function profileIn(
  manager: EntityManager,
  orgId: string,
  customerId: number,
  where: { source: string; accountId: string },
): Promise<CustomerProfile> {
  const found = await manager.findOneBy(CustomerProfile, { orgId, customerId, source: where.source, accountId: where.accountId });
  if (found) return found;
  return manager.save(manager.create(CustomerProfile, { orgId, customerId, source: where.source, accountId: where.accountId }));
}

/** Adds identifiers to the customer's profile in their source and account (one source per call). */
export async function addIdentifiers(
  manager: EntityManager,
  orgId: string,
  customerId: number,
  where: { source: string; accountId: string },
  identifiers: IdentifierValue[],
): Promise<void> {
  if (identifiers.length === 0) return;
  const profile = await profileIn(manager, orgId, customerId, where);
  await manager.insert(
    CustomerIdentifier,
    identifiers.map((i) => ({ orgId, customerId, profileId: profile.id, ...where, type: i.type, value: i.value })),
  );
}
