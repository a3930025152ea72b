import { EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { NewEvent } from '../events/outbox';
import { bindNamed } from '../common/named-params';

/**
 * The SQL of consent writes. Every write goes through writeConsentChanges, in one statement, so
 * the state, the ledger and the outbox can never disagree.
 */

/**
 * The one thing the consent writes need from a connection: run SQL, get rows. `name` asks for a
 * prepared statement where the connection supports it, so Postgres plans a statement once per
 * connection rather than on every request (a TypeORM manager ignores it).
 */
export interface Sql {
  query(text: string, params?: unknown[], name?: string): Promise<any[]>;
}

export interface StoredConsent {
  channel: Channel;
  topic: string;
  accountId: string;
  address: string;
  status: ConsentStatus;
  /** When the change that set this status happened. */
  occurredAt: Date;
}

/** A customer's consent records as a write sees them; `customerId` is the survivor when the id asked for was merged. */
export interface ConsentSnapshot {
  customerId: number;
  version: number;
  records: StoredConsent[];
}

/** A `consents` row as Postgres returns it (bigints as strings), for the readers that skip the ORM. */
export interface ConsentRow {
  id: string;
  customer_id: string;
  channel: Channel;
  topic: string;
  account_id: string;
  address: string;
  address_type: string | null;
  status: ConsentStatus;
  last_ledger_id: string | null;
  occurred_at: Date;
  updated_at: Date;
}

type StoredConsentRow = Pick<ConsentRow, 'channel' | 'topic' | 'account_id' | 'address' | 'status' | 'occurred_at'>;

const toStored = (r: StoredConsentRow): StoredConsent => ({
  channel: r.channel,
  topic: r.topic,
  accountId: r.account_id,
  address: r.address,
  status: r.status,
  occurredAt: r.occurred_at,
});

/**
 * Locks the customer row, then reads its consent records; for a merged customer, its survivor's.
 * Null when the customer is not in the org, or was erased. The lock makes concurrent changes to one customer run
 * one after the other; the read must be a second statement, because under READ COMMITTED a
 * statement that waited for a lock still sees the data as of its start.
 *
 * Only the customer whose consent it is gets locked, never a merged one: a merge locks survivor
 * and victim and then re-points older victims, so a writer that locked an older victim first
 * would wait for the merge while the merge waits for it.
 */
export async function lockCustomerConsents(
  manager: EntityManager,
  orgId: string,
  customerId: number,
): Promise<Omit<ConsentSnapshot, 'version'> | null> {
  const [named]: Array<{ target: string }> = await manager.query(
    'SELECT COALESCE(merged_into, id) AS target FROM customers WHERE id = $1 AND org_id = $2 AND erased_at IS NULL',
    [customerId, orgId],
  );
  if (!named) return null;
  let target = Number(named.target);
  for (;;) {
    const [locked]: Array<{ merged_into: string | null; erased: boolean }> = await manager.query(
      'SELECT merged_into, erased_at IS NOT NULL AS erased FROM customers WHERE id = $1 AND org_id = $2 FOR UPDATE',
      [target, orgId],
    );
    // Erased while we waited: the person is gone.
    if (locked.erased) return null;
    // Merged while we waited for the lock: the survivor holds the consent now.
    if (locked.merged_into === null) break;
    target = Number(locked.merged_into);
  }
  const rows: StoredConsentRow[] = await manager.query(
    'SELECT channel, topic, account_id, address, status, occurred_at FROM consents WHERE org_id = $1 AND customer_id = $2 ORDER BY id',
    [orgId, target],
  );
  return { customerId: target, records: rows.map(toStored) };
}

/**
 * Reads customers' consent records (the survivor's, for a merged id) with each customer's consent
 * version, without a lock, in one statement: one snapshot per customer asked, in order, null for
 * one not in its org (or erased). A write computed from a snapshot passes its `version` as
 * `expectedVersion`, and applies only if no other write (or merge) came in between.
 *
 * Each customer is looked up on its own (LATERAL, fenced with OFFSET 0), by primary key and then
 * its records by the unique index: a generic plan cannot turn the lookups into a scan of the org.
 */
export async function readConsentSnapshots(
  sql: Sql,
  asked: Array<{ orgId: string; customerId: number }>,
): Promise<Array<ConsentSnapshot | null>> {
  const rows: Array<Omit<StoredConsentRow, 'channel'> & { n: string; channel: Channel | null; id: string; consent_version: string }> =
    await sql.query(
      `SELECT k.n, cu.id, cu.consent_version, c.channel, c.topic, c.account_id, c.address, c.status, c.occurred_at
       FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS k(org_id, customer_id, n)
       CROSS JOIN LATERAL (
         SELECT survivor.id, survivor.consent_version
         FROM customers named JOIN customers survivor ON survivor.org_id = named.org_id AND survivor.id = COALESCE(named.merged_into, named.id)
         WHERE named.org_id = k.org_id AND named.id = k.customer_id AND named.erased_at IS NULL OFFSET 0) cu
       LEFT JOIN LATERAL (
         SELECT id AS record_id, channel, topic, account_id, address, status, occurred_at FROM consents
         WHERE org_id = k.org_id AND customer_id = cu.id OFFSET 0) c ON true
       ORDER BY k.n, c.record_id`,
      [asked.map((a) => a.orgId), asked.map((a) => a.customerId)],
      'optline-consent-read',
    );
  const snapshots: Array<ConsentSnapshot | null> = asked.map(() => null);
  for (const row of rows) {
    const n = Number(row.n) - 1;
    const snapshot = (snapshots[n] ??= { customerId: Number(row.id), version: Number(row.consent_version), records: [] });
    if (row.channel !== null) snapshot.records.push(toStored(row as StoredConsentRow));
  }
  return snapshots;
}

/**
 * Is the customer's consent version still `version`? FOR SHARE waits for a transaction that holds
 * the row lock (a write in progress), so the answer reflects it once it has committed.
 */
export async function versionStill(sql: Sql, orgId: string, customerId: number, version: number): Promise<boolean> {
  const rows: Array<{ v: string }> = await sql.query(
    'SELECT consent_version::text AS v FROM customers WHERE id = $1 AND org_id = $2 AND merged_into IS NULL FOR SHARE',
    [customerId, orgId],
    'optline-consent-version',
  );
  return rows.length > 0 && Number(rows[0].v) === version;
}

/** One ledger row to write; unless superseded, it also sets its key's state. */
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
  occurredAt: Date;
  /** Set on a change older than the key's state: when the change that set the state happened. */
  supersededByOccurredAt: Date | null;
}

/** What every row of one request shares: whose consent, and why. */
export interface ChangeContext {
  customerId: number;
  actorName: string | null;
  reason: string | null;
  campaignId: string | null;
  communicationId: string | null;
  proof: Record<string, unknown> | null;
}

/**
 * One customer's share of a write: the request's actor and context, its events and ledger rows,
 * and the consent version it was decided against (null when the caller holds the customer's lock).
 */
export interface CustomerWrite {
  actor: ActorContext;
  context: ChangeContext;
  events: NewEvent[];
  rows: LedgerRow[];
  expectedVersion: number | null;
}

/**
 * Writes the outbox events, the ledger rows and the resulting state of each key of one or more
 * customers in ONE statement (data-modifying CTEs), and bumps each customer's consent version.
 * Returns, per write, its ledger ids in the order of its rows; [] for a write that was not applied.
 *
 * With an `expectedVersion`, a write's customer row is locked only if its version is still that
 * one (and it has not been merged away); otherwise that write's rows are not written, and its
 * caller reads again and decides again. The other writes of the statement go on.
 *
 * A customer row another transaction holds is skipped, not waited for (SKIP LOCKED): its write is
 * refused like a stale one, and its request decides again (and after enough lost races takes the
 * row lock itself, in a transaction of its own). Waiting would hold every other write of the
 * statement, and the customers it had locked already, behind one long transaction (a merge, an
 * erasure, a hot customer's locked write), and could close a deadlock cycle with a transaction
 * that locks customers in another order; a statement that never waits can do neither. Without an
 * `expectedVersion` (null) the caller already holds the row lock, which its own statement never
 * skips. Customers are locked in id order. A customer may appear in one write only: two writes
 * decided against the same version must not both apply.
 */
export async function writeConsentChanges(sql: Sql, writes: CustomerWrite[]): Promise<number[][]> {
  const writeOf = new Map(writes.map((w, i) => [w.context.customerId, i]));
  if (writeOf.size !== writes.length) throw new Error('one statement writes each customer once');
  // Events and rows name their write by its position, 1-based like WITH ORDINALITY.
  const events = writes.flatMap((w, i) => w.events.map((event) => ({ ...event, write: i + 1 })));
  const rows = writes.flatMap((w, i) => w.rows.map((row) => ({ ...row, write: i + 1 })));
  // One array per column; every key is always present, so the text (a prepared statement) never changes.
  const { $, values } = bindNamed({
    orgIds: writes.map((w) => w.actor.orgId),
    customerIds: writes.map((w) => w.context.customerId),
    expectedVersions: writes.map((w) => w.expectedVersion),
    dialects: writes.map((w) => w.actor.dialect),
    apiKeyIds: writes.map((w) => w.actor.apiKeyId),
    actorNames: writes.map((w) => w.context.actorName),
    reasons: writes.map((w) => w.context.reason),
    campaignIds: writes.map((w) => w.context.campaignId),
    communicationIds: writes.map((w) => w.context.communicationId),
    ips: writes.map((w) => w.actor.ip ?? null),
    userAgents: writes.map((w) => w.actor.userAgent ?? null),
    requestIds: writes.map((w) => w.actor.requestId ?? null),
    proofs: writes.map((w) => (w.context.proof === null ? null : JSON.stringify(w.context.proof))),
    eventWrites: events.map((e) => e.write),
    eventIds: events.map((e) => e.id),
    eventTypes: events.map((e) => e.type),
    eventChannels: events.map((e) => e.channel),
    eventCampaignIds: events.map((e) => e.campaignId ?? null),
    eventCampaignNames: events.map((e) => e.campaignName ?? null),
    eventRecipients: events.map((e) => e.recipient ?? null),
    eventPayloads: events.map((e) => JSON.stringify(e.payload)),
    eventOccurredAts: events.map((e) => e.occurredAt),
    rowWrites: rows.map((r) => r.write),
    channels: rows.map((r) => r.channel),
    topics: rows.map((r) => r.topic),
    accountIds: rows.map((r) => r.accountId),
    addresses: rows.map((r) => r.address),
    addressTypes: rows.map((r) => r.addressType),
    previousStatuses: rows.map((r) => r.previousStatus),
    statuses: rows.map((r) => r.status),
    sourceNames: rows.map((r) => r.sourceName),
    orgUnitIds: rows.map((r) => r.orgUnitId),
    ledgerEventIds: rows.map((r) => r.eventId),
    occurredAts: rows.map((r) => r.occurredAt),
    supersededByOccurredAts: rows.map((r) => r.supersededByOccurredAt),
  });
  const result: Array<{ id: string; customer_id: string }> = await sql.query(
    `WITH req AS (
       SELECT * FROM unnest(${$.orgIds}::uuid[], ${$.customerIds}::bigint[], ${$.expectedVersions}::bigint[], ${$.dialects}::text[],
           ${$.apiKeyIds}::uuid[], ${$.actorNames}::text[], ${$.reasons}::text[], ${$.campaignIds}::text[],
           ${$.communicationIds}::text[], ${$.ips}::text[], ${$.userAgents}::text[], ${$.requestIds}::text[], ${$.proofs}::text[])
         WITH ORDINALITY AS r(org_id, customer_id, expected_version, dialect, api_key_id, actor, reason, campaign_id,
           communication_id, ip, user_agent, request_id, proof, w)
     ),
     locked AS (
       SELECT r.* FROM req r JOIN customers c ON c.id = r.customer_id AND c.org_id = r.org_id
       WHERE c.merged_into IS NULL AND (r.expected_version IS NULL OR c.consent_version = r.expected_version)
       ORDER BY c.id
       FOR UPDATE OF c SKIP LOCKED
     ),
     bumped AS (
       UPDATE customers c SET consent_version = c.consent_version + 1 FROM locked l WHERE c.id = l.customer_id
     ),
     ev AS (
       INSERT INTO events (id, org_id, type, customer_id, channel, campaign_id, campaign_name, recipient, payload, occurred_at)
       SELECT e.id, l.org_id, e.type, l.customer_id, e.channel, e.campaign_id, e.campaign_name, e.recipient, e.payload::jsonb, e.occurred_at
       FROM unnest(${$.eventWrites}::int[], ${$.eventIds}::uuid[], ${$.eventTypes}::text[], ${$.eventChannels}::text[],
           ${$.eventCampaignIds}::text[], ${$.eventCampaignNames}::text[], ${$.eventRecipients}::text[], ${$.eventPayloads}::text[],
           ${$.eventOccurredAts}::timestamptz[])
         WITH ORDINALITY AS e(w, id, type, channel, campaign_id, campaign_name, recipient, payload, occurred_at, n)
         JOIN locked l ON l.w = e.w
       ORDER BY e.n
     ),
     led AS (
       INSERT INTO consent_ledger (org_id, customer_id, channel, topic, account_id, address, address_type, previous_status,
         status, dialect, source_name, api_key_id, actor, reason, campaign_id, communication_id, org_unit_id, ip, user_agent,
         request_id, proof, event_id, occurred_at, superseded_by_occurred_at)
       SELECT l.org_id, l.customer_id, x.channel, x.topic, x.account_id, x.address, x.address_type, x.previous_status, x.status,
         l.dialect, x.source_name, l.api_key_id, l.actor, l.reason, l.campaign_id, l.communication_id, x.org_unit_id,
         l.ip, l.user_agent, l.request_id, l.proof::jsonb, x.event_id, x.occurred_at, x.superseded_by_occurred_at
       FROM unnest(${$.rowWrites}::int[], ${$.channels}::text[], ${$.topics}::text[], ${$.accountIds}::text[], ${$.addresses}::text[],
           ${$.addressTypes}::text[], ${$.previousStatuses}::text[], ${$.statuses}::text[], ${$.sourceNames}::text[],
           ${$.orgUnitIds}::text[], ${$.ledgerEventIds}::uuid[], ${$.occurredAts}::timestamptz[], ${$.supersededByOccurredAts}::timestamptz[])
         WITH ORDINALITY AS x(w, channel, topic, account_id, address, address_type, previous_status, status, source_name,
           org_unit_id, event_id, occurred_at, superseded_by_occurred_at, n)
         JOIN locked l ON l.w = x.w
       ORDER BY x.n
       RETURNING id, org_id, customer_id, channel, topic, account_id, address, address_type, status, occurred_at, superseded_by_occurred_at
     ),
     -- One row per key: the last change to a key within the write that was not superseded.
     final AS (
       SELECT DISTINCT ON (customer_id, channel, topic, account_id, address) *
       FROM led WHERE superseded_by_occurred_at IS NULL
       ORDER BY customer_id, channel, topic, account_id, address, id DESC
     ),
     up AS (
       INSERT INTO consents (org_id, customer_id, channel, topic, account_id, address, address_type, status, last_ledger_id, occurred_at)
       SELECT org_id, customer_id, channel, topic, account_id, address, address_type, status, id, occurred_at FROM final
       ON CONFLICT (org_id, customer_id, channel, topic, account_id, address)
       DO UPDATE SET status = EXCLUDED.status, last_ledger_id = EXCLUDED.last_ledger_id, occurred_at = EXCLUDED.occurred_at,
         address_type = COALESCE(EXCLUDED.address_type, consents.address_type), updated_at = now()
     )
     SELECT id, customer_id FROM led ORDER BY id`,
    values,
    'optline-consent-write',
  );
  // Ids come from one sequence in row order, so ascending ids are each write's rows in its order.
  const ids: number[][] = writes.map(() => []);
  for (const r of result) ids[writeOf.get(Number(r.customer_id))!].push(Number(r.id));
  return ids;
}
