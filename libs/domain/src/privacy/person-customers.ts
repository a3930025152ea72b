import { ErrorCodes, notFound } from '../common/domain-error';

type Query = (text: string, params: unknown[]) => Promise<any[]>;

/**
 * A person's customers, survivor first: the one named (its survivor, when it was merged) and
 * every customer merged into it (merges re-point older victims, so one hop finds them all).
 * `lock` takes their rows as a consent write does, so nothing lands on them meanwhile. An
 * unknown or erased customer is a not-found error.
 */
export async function customersOfPerson(query: Query, orgId: string, customerId: number, lock: boolean): Promise<number[]> {
  const [named]: Array<{ target: string }> = await query(
    'SELECT COALESCE(merged_into, id) AS target FROM customers WHERE id = $1 AND org_id = $2 AND erased_at IS NULL',
    [customerId, orgId],
  );
  if (!named) throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
  const survivor = Number(named.target);
  const forUpdate = lock ? ' FOR UPDATE' : '';
  if (lock) await query(`SELECT 1 FROM customers WHERE id = $1 AND org_id = $2${forUpdate}`, [survivor, orgId]);
  const victims: Array<{ id: string }> = await query(
    `SELECT id FROM customers WHERE org_id = $1 AND merged_into = $2 ORDER BY id${forUpdate}`,
    [orgId, survivor],
  );
  return [survivor, ...victims.map((v) => Number(v.id))];
}
