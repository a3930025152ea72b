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
 * Reads a customer's consent records (the survivor's, for a merged id) with the customer's
 * consent version, without a lock. A write computed from it passes `version` as
 * `expectedVersion`, and applies only if no other write (or merge) came in between.
 */
export async function readConsentSnapshot(sql: Sql, orgId: string, customerId: number): Promise<ConsentSnapshot | null> {
  const rows: Array<Omit<StoredConsentRow, 'channel'> & { channel: Channel | null; id: string; consent_version: string }> =
    await sql.query(
      `SELECT cu.id, cu.consent_version, c.channel, c.topic, c.account_id, c.address, c.status, c.occurred_at
       FROM customers cu LEFT JOIN consents c ON c.org_id = cu.org_id AND c.customer_id = cu.id
       WHERE cu.org_id = $2 AND cu.id = (SELECT COALESCE(merged_into, id) FROM customers WHERE id = $1 AND org_id = $2 AND erased_at IS NULL)
       ORDER BY c.id`,
      [customerId, orgId],
      'optline-consent-read',
    );
  if (rows.length === 0) return null;
  return {
    customerId: Number(rows[0].id),
    version: Number(rows[0].consent_version),
    records: rows.filter((r) => r.channel !== null).map((r) => toStored(r as StoredConsentRow)),
  };
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

const column = <T, K extends keyof T>(items: T[], key: K) => items.map((item) => item[key]);

/**
 * Writes the outbox events, the ledger rows and the resulting state of each key in ONE statement
 * (data-modifying CTEs), and bumps the customer's consent version. Returns the ledger ids in the
 * order of `rows`.
 *
 * With `expectedVersion`, the statement first locks the customer row only if its version is still
 * that one (and it has not been merged away). A concurrent write holding the row makes it wait;
 * when that write commits, Postgres re-checks the condition against the new row (READ COMMITTED
 * re-evaluation of a locked row), the version no longer matches, and the statement writes nothing
 * and returns no ids: the caller reads again and recomputes. Without it (null) the caller already
 * holds the row lock.
 */
export async function writeConsentChanges(
  sql: Sql,
  actor: ActorContext,
  context: ChangeContext,
  events: NewEvent[],
  rows: LedgerRow[],
  expectedVersion: number | null,
): Promise<number[]> {
  const { $, values } = bindNamed({
    orgId: actor.orgId,
    customerId: context.customerId,
    expectedVersion,
    // What the request shares.
    dialect: actor.dialect,
    apiKeyId: actor.apiKeyId,
    actorName: context.actorName,
    reason: context.reason,
    campaignId: context.campaignId,
    communicationId: context.communicationId,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    requestId: actor.requestId ?? null,
    proof: context.proof === null ? null : JSON.stringify(context.proof),
    // One array per event column.
    eventIds: column(events, 'id'),
    eventTypes: column(events, 'type'),
    eventChannels: column(events, 'channel'),
    eventCampaignIds: events.map((e) => e.campaignId ?? null),
    eventCampaignNames: events.map((e) => e.campaignName ?? null),
    eventRecipients: events.map((e) => e.recipient ?? null),
    eventPayloads: events.map((e) => JSON.stringify(e.payload)),
    eventOccurredAts: column(events, 'occurredAt'),
    // One array per ledger column.
    channels: column(rows, 'channel'),
    topics: column(rows, 'topic'),
    accountIds: column(rows, 'accountId'),
    addresses: column(rows, 'address'),
    addressTypes: column(rows, 'addressType'),
    previousStatuses: column(rows, 'previousStatus'),
    statuses: column(rows, 'status'),
    sourceNames: column(rows, 'sourceName'),
    orgUnitIds: column(rows, 'orgUnitId'),
    ledgerEventIds: column(rows, 'eventId'),
    occurredAts: column(rows, 'occurredAt'),
    supersededByOccurredAts: column(rows, 'supersededByOccurredAt'),
  });
  const result: Array<{ id: string }> = await sql.query(
    `WITH locked AS (
       SELECT id FROM customers
       WHERE id = ${$.customerId} AND org_id = ${$.orgId} AND merged_into IS NULL
         AND (${$.expectedVersion}::bigint IS NULL OR consent_version = ${$.expectedVersion})
       FOR UPDATE
     ),
     bumped AS (
       UPDATE customers SET consent_version = consent_version + 1 WHERE id IN (SELECT id FROM locked)
     ),
     ev AS (
       INSERT INTO events (id, org_id, type, customer_id, channel, campaign_id, campaign_name, recipient, payload, occurred_at)
       SELECT e.id, ${$.orgId}, e.type, ${$.customerId}, e.channel, e.campaign_id, e.campaign_name, e.recipient, e.payload::jsonb, e.occurred_at
       FROM unnest(${$.eventIds}::uuid[], ${$.eventTypes}::text[], ${$.eventChannels}::text[], ${$.eventCampaignIds}::text[],
           ${$.eventCampaignNames}::text[], ${$.eventRecipients}::text[], ${$.eventPayloads}::text[], ${$.eventOccurredAts}::timestamptz[])
         WITH ORDINALITY AS e(id, type, channel, campaign_id, campaign_name, recipient, payload, occurred_at, n)
       WHERE EXISTS (SELECT 1 FROM locked)
       ORDER BY e.n
     ),
     led AS (
       INSERT INTO consent_ledger (org_id, customer_id, channel, topic, account_id, address, address_type, previous_status,
         status, dialect, source_name, api_key_id, actor, reason, campaign_id, communication_id, org_unit_id, ip, user_agent,
         request_id, proof, event_id, occurred_at, superseded_by_occurred_at)
       SELECT ${$.orgId}, ${$.customerId}, l.channel, l.topic, l.account_id, l.address, l.address_type, l.previous_status, l.status,
         ${$.dialect}, l.source_name, ${$.apiKeyId}, ${$.actorName}, ${$.reason}, ${$.campaignId}, ${$.communicationId}, l.org_unit_id,
         ${$.ip}, ${$.userAgent}, ${$.requestId}, ${$.proof}::jsonb, l.event_id, l.occurred_at, l.superseded_by_occurred_at
       FROM unnest(${$.channels}::text[], ${$.topics}::text[], ${$.accountIds}::text[], ${$.addresses}::text[],
           ${$.addressTypes}::text[], ${$.previousStatuses}::text[], ${$.statuses}::text[], ${$.sourceNames}::text[],
           ${$.orgUnitIds}::text[], ${$.ledgerEventIds}::uuid[], ${$.occurredAts}::timestamptz[], ${$.supersededByOccurredAts}::timestamptz[])
         WITH ORDINALITY AS l(channel, topic, account_id, address, address_type, previous_status, status, source_name,
           org_unit_id, event_id, occurred_at, superseded_by_occurred_at, n)
       WHERE EXISTS (SELECT 1 FROM locked)
       ORDER BY l.n
       RETURNING id, channel, topic, account_id, address, address_type, status, occurred_at, superseded_by_occurred_at
     ),
     -- One row per key: the last change to a key within the request that was not superseded.
     final AS (
       SELECT DISTINCT ON (channel, topic, account_id, address) *
       FROM led WHERE superseded_by_occurred_at IS NULL
       ORDER BY channel, topic, account_id, address, id DESC
     ),
     up AS (
       INSERT INTO consents (org_id, customer_id, channel, topic, account_id, address, address_type, status, last_ledger_id, occurred_at)
       SELECT ${$.orgId}, ${$.customerId}, channel, topic, account_id, address, address_type, status, id, occurred_at FROM final
       ON CONFLICT (org_id, customer_id, channel, topic, account_id, address)
       DO UPDATE SET status = EXCLUDED.status, last_ledger_id = EXCLUDED.last_ledger_id, occurred_at = EXCLUDED.occurred_at,
         address_type = COALESCE(EXCLUDED.address_type, consents.address_type), updated_at = now()
     )
     SELECT id FROM led ORDER BY id`,
    values,
    'optline-consent-write',
  );
  // Ids come from one sequence in row order, so ascending ids are the rows in input order.
  return result.map((r) => Number(r.id));
}
