import { TestApi } from './test-app';

/** Rows of one customer, in insertion order, for assertions on state, ledger and outbox. */
export const rowsOf = (api: TestApi, table: 'consents' | 'consent_ledger' | 'events', customerId: number) =>
  api.dataSource.query(`SELECT * FROM ${table} WHERE customer_id = $1 ORDER BY ${table === 'events' ? 'seq' : 'id'}`, [customerId]);

/** The customer holding an identifier, or undefined. */
export async function customerByIdentifier(
  api: TestApi,
  orgId: string,
  identity: { source: string; accountId: string; type: string; value: string },
): Promise<number | undefined> {
  const rows = await api.dataSource.query(
    'SELECT customer_id FROM customer_identifiers WHERE org_id = $1 AND source = $2 AND account_id = $3 AND type = $4 AND value = $5',
    [orgId, identity.source, identity.accountId, identity.type, identity.value],
  );
  return rows[0] ? Number(rows[0].customer_id) : undefined;
}

/** How many ledger rows, events and consent records an org holds: a request that must write nothing leaves them as they were. */
export async function writeCounts(api: TestApi, orgId: string): Promise<{ ledger: number; events: number; consents: number }> {
  const [row] = await api.dataSource.query(
    `SELECT (SELECT count(*) FROM consent_ledger WHERE org_id = $1)::int AS ledger, (SELECT count(*) FROM events WHERE org_id = $1)::int AS events,
            (SELECT count(*) FROM consents WHERE org_id = $1)::int AS consents`,
    [orgId],
  );
  return row;
}
