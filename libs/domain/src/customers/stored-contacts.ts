import { Channel } from '../common/channel';
import { normalizeAddress, PHONE_CHANNELS } from '../consents/contact-address';
import { normalizeIdentifierValue } from './identifier-value';

/** Anything that runs SQL inside the caller's transaction (a QueryRunner, an EntityManager). */
export interface TransactionSql {
  query(text: string, params?: unknown[]): Promise<any[]>;
}

export interface StoredContactsScope {
  /** One org (after its phone region changed); every org when omitted (the migration). */
  orgId?: string;
  /** The region of orgs that set none (DEFAULT_PHONE_REGION). */
  defaultRegion?: string;
}

export interface RespellingCount {
  respelled: number;
  /** Rows that became a second spelling of a key already held, and were removed. */
  removed: number;
}

const BATCH_SIZE = 1000;
const CONTACT_CHANNELS: readonly string[] = [Channel.EMAIL, ...PHONE_CHANNELS];

/** What one table needs to be normalized in place. */
interface ContactTable {
  name: 'customer_identifiers' | 'consents';
  kindColumn: 'type' | 'channel';
  valueColumn: 'value' | 'address';
  kinds: readonly string[];
  /** Columns that, with the value, make the row's unique key. */
  keyColumns: string[];
  /** Which row of a collapsing key stays: the first in this order. */
  survivorOrder: string;
  respell(kind: string, value: string, region?: string): string;
}

const IDENTIFIERS: ContactTable = {
  name: 'customer_identifiers',
  kindColumn: 'type',
  valueColumn: 'value',
  kinds: ['mobile', 'email'],
  keyColumns: ['org_id', 'source', 'account_id', 'type'],
  // The oldest registration keeps the identifier.
  survivorOrder: 'c.id',
  respell: normalizeIdentifierValue,
};

const CONSENTS: ContactTable = {
  name: 'consents',
  kindColumn: 'channel',
  valueColumn: 'address',
  kinds: CONTACT_CHANNELS,
  keyColumns: ['org_id', 'customer_id', 'channel', 'topic', 'account_id'],
  // The consent model's rule: the newest change wins; on equal times, the opt-out.
  survivorOrder: "c.occurred_at DESC, (c.status <> 'OPTIN') DESC, c.id DESC",
  respell: (channel, address, region) => normalizeAddress(channel as Channel, address, region),
};

/**
 * Brings stored identifiers (mobile, email) and consent addresses to their one spelling, in the
 * caller's transaction: the migration that introduced normalization, and an org whose phone region
 * changed. Two spellings of one key collapse into one row by each table's survivor rule. The
 * ledger is left as written (append-only); normalization is idempotent, so a replay that
 * normalizes ledger addresses lands on the keys this leaves.
 */
export async function normalizeStoredContacts(
  sql: TransactionSql,
  scope: StoredContactsScope,
): Promise<Record<ContactTable['name'], RespellingCount>> {
  const regions = await phoneRegionsOf(sql, scope);
  return {
    customer_identifiers: await respellTable(sql, IDENTIFIERS, scope.orgId, regions),
    consents: await respellTable(sql, CONSENTS, scope.orgId, regions),
  };
}

/** Each org's region for national numbers: its own, else the default. */
async function phoneRegionsOf(sql: TransactionSql, scope: StoredContactsScope): Promise<Map<string, string | undefined>> {
  const rows: Array<{ id: string; phone_region: string | null }> = await sql.query(
    'SELECT id, phone_region FROM orgs WHERE $1::uuid IS NULL OR id = $1',
    [scope.orgId ?? null],
  );
  return new Map(rows.map((r) => [r.id, r.phone_region ?? scope.defaultRegion]));
}

async function respellTable(
  sql: TransactionSql,
  table: ContactTable,
  orgId: string | undefined,
  regions: Map<string, string | undefined>,
): Promise<RespellingCount> {
  const respellings = `respelled_${table.name}`;
  await sql.query(`CREATE TEMP TABLE IF NOT EXISTS ${respellings} (id bigint PRIMARY KEY, value text NOT NULL) ON COMMIT DROP`);
  await sql.query(`TRUNCATE ${respellings}`);
  let respelled = 0;
  for (let after = '0'; ; ) {
    const rows: Array<{ id: string; org_id: string; kind: string; value: string }> = await sql.query(
      `SELECT id, org_id, ${table.kindColumn} AS kind, ${table.valueColumn} AS value FROM ${table.name}
        WHERE ${table.kindColumn} = ANY($1) AND ${table.valueColumn} <> '' AND ($2::uuid IS NULL OR org_id = $2) AND id > $3
        ORDER BY id LIMIT ${BATCH_SIZE}`,
      [table.kinds, orgId ?? null, after],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    const changed = rows
      .map((r) => ({ id: r.id, value: table.respell(r.kind, r.value, regions.get(r.org_id)) }))
      .filter((r, i) => r.value !== rows[i].value);
    if (changed.length === 0) continue;
    await sql.query(`INSERT INTO ${respellings} (id, value) SELECT * FROM unnest($1::bigint[], $2::text[])`, [
      changed.map((r) => r.id),
      changed.map((r) => r.value),
    ]);
    respelled += changed.length;
  }
  if (respelled === 0) return { respelled, removed: 0 };

  const key = table.keyColumns.map((k) => `c.${k}`).join(', ');
  const newValue = `COALESCE(r.value, c.${table.valueColumn})`;
  // Rank, per key as it will be, every row that shares a key with a respelled one; all but the
  // survivor go, before the renames, so no rename ever meets the unique constraint. (DELETE and
  // UPDATE sit in a CTE so that every runner returns their rows the same way.)
  const removed: Array<{ customer_id: string }> = await sql.query(
    `WITH targets AS (
       SELECT ${key}, r.value FROM ${respellings} r JOIN ${table.name} c ON c.id = r.id
     ), ranked AS (
       SELECT c.id, row_number() OVER (PARTITION BY ${key}, ${newValue} ORDER BY ${table.survivorOrder}) AS rank
         FROM ${table.name} c LEFT JOIN ${respellings} r ON r.id = c.id
        WHERE (${key}, ${newValue}) IN (SELECT * FROM targets)
     ), gone AS (
       DELETE FROM ${table.name} c USING ranked WHERE c.id = ranked.id AND ranked.rank > 1 RETURNING c.customer_id
     )
     SELECT customer_id FROM gone`,
  );
  const renamed: Array<{ customer_id: string }> = await sql.query(
    `WITH renamed AS (
       UPDATE ${table.name} c SET ${table.valueColumn} = r.value FROM ${respellings} r WHERE c.id = r.id RETURNING c.customer_id
     )
     SELECT customer_id FROM renamed`,
  );
  // A consent writer that read the customer's state before this must read it again.
  const touched = [...new Set([...removed, ...renamed].map((r) => r.customer_id))];
  await sql.query('UPDATE customers SET consent_version = consent_version + 1 WHERE id = ANY($1::bigint[])', [touched]);
  return { respelled, removed: removed.length };
}
