import { DataSource } from 'typeorm';
import { poolQuery } from '../common/raw-client';
import { normalizeIdentifierValue } from './identifier-value';

/** An identifier a customer is known by, in any source: `{type: 'email', value: 'tom@example.com'}`. */
export interface IdentifierValue {
  type: string;
  value: string;
}

/** How a question names its customer: optline's id, or an identifier someone registered. */
export type CustomerReference = { customerId: number } | { identifier: IdentifierValue };

/** The customer a reference names, as it stands now. */
export interface ResolvedCustomer {
  /** The customer to act on: the survivor when the one named was merged into another. */
  customerId: number;
  /** Set when the customer named was merged: the survivor acted on instead. */
  mergedInto: number | null;
}

type Query = ReturnType<typeof poolQuery>;

/** Whose data, and how its phone numbers are read: an ActorContext is one. */
export interface OrgScope {
  orgId: string;
  phoneRegion?: string;
}

/**
 * The first registered owner (in any source) of each identifier, in the order given; null where
 * nobody holds it. THE one place identifiers are matched for a decision, so that the spelling of
 * a value (e-mail case, phone formats) is settled here once.
 */
export async function ownersOfIdentifiers(query: Query, scope: OrgScope, identifiers: IdentifierValue[]): Promise<Array<number | null>> {
  if (identifiers.length === 0) return [];
  const values = identifiers.map((i) => normalizeIdentifierValue(i.type, i.value, scope.phoneRegion));
  const rows: Array<{ n: string; customer_id: string }> = await query(
    `SELECT DISTINCT ON (q.n) q.n, i.customer_id
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS q(type, value, n)
       JOIN customer_identifiers i ON i.org_id = $1 AND i.type = q.type AND i.value = q.value
      ORDER BY q.n, i.id`,
    [scope.orgId, identifiers.map((i) => i.type), values],
    'optline-identifier-owners',
  );
  const owners: Array<number | null> = identifiers.map(() => null);
  for (const row of rows) owners[Number(row.n) - 1] = Number(row.customer_id);
  return owners;
}

/** Ids beyond what a bigint (or a JS number) holds exactly name nobody: don't send them to Postgres. */
const isCustomerId = (id: number) => Number.isSafeInteger(id) && id > 0;

/**
 * The customer id each reference names, in the order given, before anything else is checked: an
 * id as given (null when no bigint could hold it), an identifier's first owner (null when nobody
 * holds it). One query when a reference is an identifier, none otherwise.
 */
export async function namedCustomerIds(query: Query, scope: OrgScope, references: CustomerReference[]): Promise<Array<number | null>> {
  const identified = references.flatMap((r, index) => ('identifier' in r ? [{ index, identifier: r.identifier }] : []));
  const owners = await ownersOfIdentifiers(query, scope, identified.map((i) => i.identifier));
  const named: Array<number | null> = references.map((r) => ('customerId' in r && isCustomerId(r.customerId) ? r.customerId : null));
  identified.forEach((i, n) => (named[i.index] = owners[n]));
  return named;
}

/** A customer row as a reference resolves it: the survivor when it was merged. */
export const resolvedCustomer = (id: number, mergedInto: number | null): ResolvedCustomer => ({ customerId: mergedInto ?? id, mergedInto });

/**
 * The customer each reference names, in the order given; null for one unknown in this org (an
 * identifier nobody holds, an id of another org or of nobody). A merged customer resolves to its
 * survivor (the pointer is always one hop); an erased one is unknown. Two queries, however many references.
 */
export async function resolveCustomerReferences(
  dataSource: DataSource,
  scope: OrgScope,
  references: CustomerReference[],
): Promise<Array<ResolvedCustomer | null>> {
  const query = poolQuery(dataSource);
  const named = await namedCustomerIds(query, scope, references);
  const ids = [...new Set(named.filter((id): id is number => id !== null))];
  const rows: Array<{ id: string; merged_into: string | null }> = ids.length
    ? await query('SELECT id, merged_into FROM customers WHERE org_id = $1 AND id = ANY($2::bigint[]) AND erased_at IS NULL',
        [scope.orgId, ids],
        'optline-decision-customers',
      )
    : [];
  const mergedInto = new Map(rows.map((r) => [Number(r.id), r.merged_into === null ? null : Number(r.merged_into)]));
  return named.map((id) => (id === null || !mergedInto.has(id) ? null : resolvedCustomer(id, mergedInto.get(id)!)));
}
