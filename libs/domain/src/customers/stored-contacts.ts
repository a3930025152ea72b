import { Channel } from '../common/channel';
import { normalizeAddress, PHONE_CHANNELS, RESPELLED_REASON } from '../consents/contact-address';
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

/** Customers that turn out to hold one identifier once it is spelled one way: one person. */
export interface SharedIdentifier {
  orgId: string;
  /** Oldest registration first: it survives when they are merged. */
  customerIds: number[];
}

export interface RespellingReport {
  customer_identifiers: RespellingCount;
  consents: RespellingCount;
  /** Merged by respellStoredContacts (shared-identifiers.ts), in the same transaction. */
  sharedIdentifiers: SharedIdentifier[];
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
  // The oldest registration keeps the row; its other holders are merged into its customer.
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
 * changed. Two spellings of one key collapse into one row by each table's survivor rule.
 *
 * The ledger is append-only, so it is not rewritten; instead every consent key this respells gets
 * one ledger row (dialect `system`, reason `address-respelled`) that restates the surviving state
 * under the new spelling and names the spellings it absorbed, so the ledger still replays to the
 * state. Customers found to share an identifier are returned, to be merged (a merge keeps every
 * opt-out); none of their identifiers or records is dropped before that.
 */
export async function normalizeStoredContacts(sql: TransactionSql, scope: StoredContactsScope): Promise<RespellingReport> {
  const regions = await phoneRegionsOf(sql, scope);
  const identifiers = await respellTable(sql, IDENTIFIERS, scope.orgId, regions);
  const consents = await respellTable(sql, CONSENTS, scope.orgId, regions);
  return {
    customer_identifiers: identifiers.count,
    consents: consents.count,
    sharedIdentifiers: identifiers.shared,
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
): Promise<{ count: RespellingCount; shared: SharedIdentifier[] }> {
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
  if (respelled === 0) return { count: { respelled, removed: 0 }, shared: [] };

  const shared = table === IDENTIFIERS ? await sharedIdentifiers(sql, respellings) : [];
  if (table === CONSENTS) await rememberRespelledKeys(sql, respellings);
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
  if (table === CONSENTS) await recordRespelledKeys(sql, regions);
  // A consent writer that read the customer's state before this must read it again.
  const touched = [...new Set([...removed, ...renamed].map((r) => r.customer_id))];
  await sql.query('UPDATE customers SET consent_version = consent_version + 1 WHERE id = ANY($1::bigint[])', [touched]);
  return { count: { respelled, removed: removed.length }, shared };
}

/**
 * Every identifier value that, once respelled, more than one customer holds (in one source or
 * several), with its holders oldest registration first. Only the respelled values and the rows
 * already spelled like them are read (an index lookup each), not the whole table.
 */
async function sharedIdentifiers(sql: TransactionSql, respellings: string): Promise<SharedIdentifier[]> {
  const rows: Array<{ org_id: string; customer_ids: string[] }> = await sql.query(
    `WITH respelled AS (
       SELECT c.id, c.org_id, c.type, r.value, c.customer_id FROM ${respellings} r JOIN customer_identifiers c ON c.id = r.id
     ), holders AS (
       SELECT org_id, type, value, customer_id, id FROM respelled
       UNION
       SELECT c.org_id, c.type, c.value, c.customer_id, c.id
         FROM customer_identifiers c JOIN (SELECT DISTINCT org_id, type, value FROM respelled) t
           ON c.org_id = t.org_id AND c.type = t.type AND c.value = t.value
     ), per_customer AS (
       SELECT org_id, type, value, customer_id, min(id) AS first_id FROM holders GROUP BY org_id, type, value, customer_id
     )
     SELECT org_id, array_agg(customer_id ORDER BY first_id) AS customer_ids
       FROM per_customer GROUP BY org_id, type, value HAVING count(*) > 1`,
  );
  return rows.map((r) => ({ orgId: r.org_id, customerIds: r.customer_ids.map(Number) }));
}

/**
 * Before the collapse: for each consent key as it will be spelled, the row that will survive and
 * the other spellings it absorbs (for recordRespelledKeys, after the renames).
 */
async function rememberRespelledKeys(sql: TransactionSql, respellings: string): Promise<void> {
  await sql.query(
    'CREATE TEMP TABLE IF NOT EXISTS respelled_consent_keys (survivor_id bigint PRIMARY KEY, absorbed text[] NOT NULL) ON COMMIT DROP',
  );
  await sql.query('TRUNCATE respelled_consent_keys');
  const key = CONSENTS.keyColumns.map((k) => `c.${k}`).join(', ');
  await sql.query(
    `INSERT INTO respelled_consent_keys (survivor_id, absorbed)
     SELECT (array_agg(c.id ORDER BY ${CONSENTS.survivorOrder}))[1],
            array_agg(DISTINCT c.address) FILTER (WHERE c.address <> COALESCE(r.value, c.address))
       FROM consents c LEFT JOIN ${respellings} r ON r.id = c.id
      WHERE (${key}, COALESCE(r.value, c.address)) IN (SELECT ${key}, r.value FROM ${respellings} r JOIN consents c ON c.id = r.id)
      GROUP BY ${key}, COALESCE(r.value, c.address)`,
  );
}

/**
 * After the collapse: one ledger row per respelled key restating its surviving state (same status,
 * same time: nothing changed but the spelling), which becomes the row that decided it. The replay
 * (consent-verifier) starts the key afresh there and retires the absorbed spellings.
 */
async function recordRespelledKeys(sql: TransactionSql, regions: Map<string, string | undefined>): Promise<void> {
  const orgIds = [...regions.keys()];
  await sql.query(
    `WITH led AS (
       INSERT INTO consent_ledger (org_id, customer_id, channel, topic, account_id, address, address_type, previous_status,
         status, dialect, reason, proof, occurred_at)
       SELECT c.org_id, c.customer_id, c.channel, c.topic, c.account_id, c.address, c.address_type, c.status, c.status,
         'system', '${RESPELLED_REASON}',
         jsonb_build_object('respelledFrom', k.absorbed, 'phoneRegion', (SELECT r FROM unnest($1::uuid[], $2::text[]) AS o(id, r) WHERE o.id = c.org_id)),
         c.occurred_at
         FROM respelled_consent_keys k JOIN consents c ON c.id = k.survivor_id
       RETURNING id, org_id, customer_id, channel, topic, account_id, address
     )
     UPDATE consents c SET last_ledger_id = led.id
       FROM led
      WHERE c.org_id = led.org_id AND c.customer_id = led.customer_id AND c.channel = led.channel AND c.topic = led.topic
        AND c.account_id = led.account_id AND c.address = led.address`,
    [orgIds, orgIds.map((id) => regions.get(id) ?? null)],
  );
}
