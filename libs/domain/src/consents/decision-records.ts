import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { poolQuery } from '../common/raw-client';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';
import { Consent } from './consent.entity';
import { ConsentRow } from './consent-store';

/** The records one question reads: one customer's channel and topic (and account). */
export interface DecisionKey {
  customerId: number;
  channel: Channel;
  topic: string;
  accountId: string;
  /** The address asked about (its record and the channel-wide one are read); null reads every address. */
  address: string | null;
}

/** The records read for a set of questions, found again per question, each with the ledger entry that set it. */
export class DecisionRecords {
  private readonly byKey = new Map<string, Consent[]>();
  private readonly entries = new Map<number, ConsentLedgerEntry>();

  constructor(records: Array<{ record: Consent; ledgerEntry: ConsentLedgerEntry | null }>) {
    for (const { record, ledgerEntry } of records) {
      const key = groupOf(record);
      const group = this.byKey.get(key);
      if (group) group.push(record);
      else this.byKey.set(key, [record]);
      if (ledgerEntry) this.entries.set(ledgerEntry.id, ledgerEntry);
    }
  }

  /** The channel-wide record and the address-level ones of the key's channel, topic and account. */
  of(key: DecisionKey): { channelRecord: Consent | null; addressRecords: Consent[] } {
    const records = this.byKey.get(groupOf(key)) ?? [];
    return {
      channelRecord: records.find((r) => r.address === '') ?? null,
      addressRecords: records.filter((r) => r.address !== '' && (key.address === null || r.address === key.address)),
    };
  }

  /** The ledger entry that set a record, read with it; null for a record older than the ledger. */
  ledgerEntryOf(record: Consent): ConsentLedgerEntry | null {
    return (record.lastLedgerId !== null && this.entries.get(record.lastLedgerId)) || null;
  }
}

const groupOf = (k: { customerId: number; channel: Channel; topic: string; accountId: string }) =>
  `${k.customerId}\u0000${k.channel}\u0000${k.topic}\u0000${k.accountId}`;

/** A consent row with the columns of the ledger entry that set it (`l_`, all null without one). */
interface RecordWithEntryRow extends ConsentRow {
  l_id: string | null;
  l_previous_status: ConsentStatus | null;
  l_status: ConsentStatus;
  l_dialect: string;
  l_source_name: string | null;
  l_api_key_id: string | null;
  l_actor: string | null;
  l_reason: string | null;
  l_campaign_id: string | null;
  l_communication_id: string | null;
  l_org_unit_id: string | null;
  l_ip: string | null;
  l_user_agent: string | null;
  l_request_id: string | null;
  l_proof: Record<string, unknown> | null;
  l_event_id: string | null;
  l_occurred_at: Date | null;
  l_superseded_by_occurred_at: Date | null;
  l_created_at: Date;
}

const toConsent = (orgId: string, row: ConsentRow): Consent =>
  Object.assign(new Consent(), {
    id: Number(row.id),
    orgId,
    customerId: Number(row.customer_id),
    channel: row.channel,
    topic: row.topic,
    accountId: row.account_id,
    address: row.address,
    addressType: row.address_type,
    status: row.status,
    lastLedgerId: row.last_ledger_id === null ? null : Number(row.last_ledger_id),
    occurredAt: row.occurred_at,
    updatedAt: row.updated_at,
  });

const toLedgerEntry = (orgId: string, row: RecordWithEntryRow): ConsentLedgerEntry | null =>
  row.l_id === null
    ? null
    : Object.assign(new ConsentLedgerEntry(), {
        id: Number(row.l_id),
        orgId,
        customerId: Number(row.customer_id),
        channel: row.channel,
        topic: row.topic,
        accountId: row.account_id,
        address: row.address,
        addressType: row.address_type,
        previousStatus: row.l_previous_status,
        status: row.l_status,
        dialect: row.l_dialect,
        sourceName: row.l_source_name,
        apiKeyId: row.l_api_key_id,
        actor: row.l_actor,
        reason: row.l_reason,
        campaignId: row.l_campaign_id,
        communicationId: row.l_communication_id,
        orgUnitId: row.l_org_unit_id,
        ip: row.l_ip,
        userAgent: row.l_user_agent,
        requestId: row.l_request_id,
        proof: row.l_proof,
        eventId: row.l_event_id,
        occurredAt: row.l_occurred_at,
        supersededByOccurredAt: row.l_superseded_by_occurred_at,
        createdAt: row.l_created_at,
      });

/**
 * Every record the questions need, each with the ledger entry that set it, in one statement over
 * the unnested keys (one index range per key, one primary-key probe per entry): the records of a
 * key and their entries are read as of one moment, and the cost is one round trip however many
 * questions there are. (A merge moves a record to the survivor under the same ledger row, so the
 * entry is found by its id alone, not by the record's customer.)
 */
export async function readDecisionRecords(dataSource: DataSource, orgId: string, keys: DecisionKey[]): Promise<DecisionRecords> {
  const distinct = [...new Map(keys.map((k) => [`${groupOf(k)}\u0000${k.address ?? '\u0001'}`, k])).values()];
  if (distinct.length === 0) return new DecisionRecords([]);
  const rows: RecordWithEntryRow[] = await poolQuery(dataSource)(
    `SELECT c.id, c.customer_id, c.channel, c.topic, c.account_id, c.address, c.address_type, c.status,
            c.last_ledger_id, c.occurred_at, c.updated_at,
            l.id AS l_id, l.previous_status AS l_previous_status, l.status AS l_status, l.dialect AS l_dialect,
            l.source_name AS l_source_name, l.api_key_id AS l_api_key_id, l.actor AS l_actor, l.reason AS l_reason,
            l.campaign_id AS l_campaign_id, l.communication_id AS l_communication_id, l.org_unit_id AS l_org_unit_id,
            l.ip AS l_ip, l.user_agent AS l_user_agent, l.request_id AS l_request_id, l.proof AS l_proof,
            l.event_id AS l_event_id, l.occurred_at AS l_occurred_at,
            l.superseded_by_occurred_at AS l_superseded_by_occurred_at, l.created_at AS l_created_at
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS k(customer_id, channel, topic, account_id, address)
       JOIN consents c ON c.org_id = $1 AND c.customer_id = k.customer_id AND c.channel = k.channel
                      AND c.topic = k.topic AND c.account_id = k.account_id
                      AND (k.address IS NULL OR c.address IN ('', k.address))
       LEFT JOIN consent_ledger l ON l.org_id = $1 AND l.id = c.last_ledger_id`,
    [
      orgId,
      distinct.map((k) => k.customerId),
      distinct.map((k) => k.channel),
      distinct.map((k) => k.topic),
      distinct.map((k) => k.accountId),
      distinct.map((k) => k.address),
    ],
    'optline-decision-records',
  );
  // Two keys of one channel and topic (two addresses asked about) both read its channel-wide record.
  const unique = new Map(rows.map((r) => [r.id, r]));
  return new DecisionRecords([...unique.values()].map((row) => ({ record: toConsent(orgId, row), ledgerEntry: toLedgerEntry(orgId, row) })));
}
