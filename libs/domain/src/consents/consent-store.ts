import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { NewEvent } from '../events/outbox';

export interface StoredConsent {
  channel: Channel;
  topic: string;
  accountId: string;
  address: string;
  status: ConsentStatus;
}

/**
 * Locks the customer row, then reads its consent records. Null when the customer is not in the
 * org. The lock makes concurrent changes to one customer run one after the other; the read must
 * be a second statement, because under READ COMMITTED a statement that waited for a lock still
 * sees the data as of its start, and would miss the change it waited for.
 */
export async function lockCustomerConsents(
  manager: EntityManager,
  orgId: string,
  customerId: number,
): Promise<StoredConsent[] | null> {
  const locked: unknown[] = await manager.query('SELECT 1 FROM customers WHERE id = $1 AND org_id = $2 FOR UPDATE', [
    customerId,
    orgId,
  ]);
  if (locked.length === 0) return null;
  const rows: Array<{ channel: Channel; topic: string; account_id: string; address: string; status: ConsentStatus }> =
    await manager.query(
      'SELECT channel, topic, account_id, address, status FROM consents WHERE org_id = $1 AND customer_id = $2 ORDER BY id',
      [orgId, customerId],
    );
  return rows.map((r) => ({ channel: r.channel, topic: r.topic, accountId: r.account_id, address: r.address, status: r.status }));
}

/** A customer's consent records and the version they were read at; null when not in the org. */
export interface ConsentSnapshot {
  version: number;
  records: StoredConsent[];
}

/**
 * Reads a customer's consent records with the customer's consent version, without a lock. A write
 * computed from it passes `version` as `expectedVersion`, and the write applies only if no other
 * write came in between (see writeConsentChanges).
 */
export async function readConsentSnapshot(sql: Sql, orgId: string, customerId: number): Promise<ConsentSnapshot | null> {
  const rows: Array<{ consent_version: string; channel: Channel | null; topic: string; account_id: string; address: string; status: ConsentStatus }> =
    await sql.query(
      `SELECT cu.consent_version, c.channel, c.topic, c.account_id, c.address, c.status
       FROM customers cu LEFT JOIN consents c ON c.org_id = cu.org_id AND c.customer_id = cu.id
       WHERE cu.id = $1 AND cu.org_id = $2 ORDER BY c.id`,
      [customerId, orgId],
      'optline-consent-read',
    );
  if (rows.length === 0) return null;
  return {
    version: Number(rows[0].consent_version),
    records: rows
      .filter((r) => r.channel !== null)
      .map((r) => ({ channel: r.channel as Channel, topic: r.topic, accountId: r.account_id, address: r.address, status: r.status })),
  };
}

/**
 * Is the customer's consent version still `version`? FOR SHARE waits for a transaction that holds
 * the row lock (a write in progress), so the answer reflects it once it has committed.
 */
export async function versionStill(sql: Sql, orgId: string, customerId: number, version: number): Promise<boolean> {
  const rows: Array<{ v: string }> = await sql.query(
    'SELECT consent_version::text AS v FROM customers WHERE id = $1 AND org_id = $2 FOR SHARE',
    [customerId, orgId],
    'optline-consent-version',
  );
  return rows.length > 0 && Number(rows[0].v) === version;
}

/**
 * The one thing the consent writes need from a connection: run SQL, get rows. `name` asks for a
 * prepared statement where the connection supports it, so Postgres plans a statement once per
 * connection rather than on every request (a TypeORM manager ignores it).
 */
export interface Sql {
  query(text: string, params?: unknown[], name?: string): Promise<any[]>;
}

export interface LedgerRow {
  channel: Channel;
  topic: string;
  accountId: string;
  address: string;
  addressType: string | null;
  previousStatus: ConsentStatus | null;
  status: ConsentStatus;
  sourceName: string | null;
  orgUnitId: string | null;
  eventId: string | null;
}

export interface ChangeContext {
  customerId: number;
  actorName: string | null;
  reason: string | null;
  campaignId: string | null;
  communicationId: string | null;
  proof: Record<string, unknown> | null;
}

/**
 * Writes the outbox events, the ledger rows and the final state of each key in ONE statement
 * (data-modifying CTEs), and bumps the customer's consent version. Returns the ledger ids in the
 * order of `rows`.
 *
 * With `expectedVersion`, the statement first locks the customer row only if its version is still
 * that one. A concurrent write holding the row makes it wait; when that write commits, Postgres
 * re-checks the condition against the new row (READ COMMITTED re-evaluation of a locked row), the
 * version no longer matches, and the statement writes nothing and returns no ids: the caller
 * reads again and recomputes. Without it (null) the caller already holds the row lock.
 */
export async function writeConsentChanges(
  manager: Sql,
  actor: ActorContext,
  context: ChangeContext,
  events: NewEvent[],
  rows: LedgerRow[],
  expectedVersion: number | null,
  occurredAt: Date,
): Promise<number[]> {
  const column = <K extends keyof LedgerRow>(key: K) => rows.map((r) => r[key]);
  const result: Array<{ id: string }> = await manager.query(
    `WITH locked AS (
       SELECT id FROM customers WHERE id = $2 AND org_id = $1 AND ($31::bigint IS NULL OR consent_version = $31) FOR UPDATE
     ),
     bumped AS (
       UPDATE customers SET consent_version = consent_version + 1 WHERE id IN (SELECT id FROM locked)
     ),
     ev AS (
       INSERT INTO events (id, org_id, type, customer_id, channel, campaign_id, campaign_name, recipient, payload, occurred_at)
       SELECT e.id, $1, e.type, $2, e.channel, e.campaign_id, e.campaign_name, e.recipient, e.payload::jsonb, e.occurred_at
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
         WITH ORDINALITY AS e(id, type, channel, campaign_id, campaign_name, recipient, payload, occurred_at, n)
       WHERE EXISTS (SELECT 1 FROM locked)
       ORDER BY e.n
     ),
     led AS (
       INSERT INTO consent_ledger (org_id, customer_id, channel, topic, account_id, address, address_type, previous_status,
         status, dialect, source_name, api_key_id, actor, reason, campaign_id, communication_id, org_unit_id, ip, user_agent,
         request_id, proof, event_id, occurred_at)
       SELECT $1, $2, l.channel, l.topic, l.account_id, l.address, l.address_type, l.previous_status, l.status,
         $11, l.source_name, $12, $13, $14, $15, $16, l.org_unit_id, $17, $18, $19, $20::jsonb, l.event_id, $32::timestamptz
       FROM unnest($21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::text[],
         $29::text[], $30::uuid[])
         WITH ORDINALITY AS l(channel, topic, account_id, address, address_type, previous_status, status, source_name,
           org_unit_id, event_id, n)
       WHERE EXISTS (SELECT 1 FROM locked)
       ORDER BY l.n
       RETURNING id, channel, topic, account_id, address, address_type, status
     ),
     -- One row per key: the last change to a key within the request is its final state.
     final AS (
       SELECT DISTINCT ON (channel, topic, account_id, address) *
       FROM led ORDER BY channel, topic, account_id, address, id DESC
     ),
     up AS (
       INSERT INTO consents (org_id, customer_id, channel, topic, account_id, address, address_type, status, last_ledger_id, occurred_at)
       SELECT $1, $2, channel, topic, account_id, address, address_type, status, id, $32::timestamptz FROM final
       ON CONFLICT (org_id, customer_id, channel, topic, account_id, address)
       DO UPDATE SET status = EXCLUDED.status, last_ledger_id = EXCLUDED.last_ledger_id, occurred_at = EXCLUDED.occurred_at,
         address_type = COALESCE(EXCLUDED.address_type, consents.address_type), updated_at = now()
     )
     SELECT id FROM led ORDER BY id`,
    [
      actor.orgId,
      context.customerId,
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.channel),
      events.map((e) => e.campaignId ?? null),
      events.map((e) => e.campaignName ?? null),
      events.map((e) => e.recipient ?? null),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.occurredAt),
      actor.dialect,
      actor.apiKeyId,
      context.actorName,
      context.reason,
      context.campaignId,
      context.communicationId,
      actor.ip ?? null,
      actor.userAgent ?? null,
      actor.requestId ?? null,
      context.proof === null ? null : JSON.stringify(context.proof),
      column('channel'),
      column('topic'),
      column('accountId'),
      column('address'),
      column('addressType'),
      column('previousStatus'),
      column('status'),
      column('sourceName'),
      column('orgUnitId'),
      column('eventId'),
      expectedVersion,
      occurredAt,
    ],
    'optline-consent-write',
  );
  // Ids come from one sequence in row order, so ascending ids are the rows in input order.
  return result.map((r) => Number(r.id));
}
