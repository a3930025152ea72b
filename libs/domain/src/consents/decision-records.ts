import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { poolQuery } from '../common/raw-client';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';
import { Consent } from './consent.entity';

/** The records one question reads: one customer's channel and topic (and account). */
export interface DecisionKey {
  customerId: number;
  channel: Channel;
  topic: string;
  accountId: string;
  /** The address asked about (its record and the channel-wide one are read); null reads every address. */
  address: string | null;
}

/** The records read for a set of questions, found again per question. */
export class DecisionRecords {
  private readonly byKey = new Map<string, Consent[]>();

  constructor(records: Consent[]) {
    for (const record of records) {
      const key = groupOf(record);
      const group = this.byKey.get(key);
      if (group) group.push(record);
      else this.byKey.set(key, [record]);
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
}

const groupOf = (k: { customerId: number; channel: Channel; topic: string; accountId: string }) =>
  JSON.stringify([k.customerId, k.channel, k.topic, k.accountId]);

interface ConsentRow {
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

/**
 * Every record the questions need, in one statement over the unnested keys (one index range per
 * key), so that the records of one key are read as of one moment and the cost is one round trip
 * however many questions there are.
 */
export async function readDecisionRecords(dataSource: DataSource, orgId: string, keys: DecisionKey[]): Promise<DecisionRecords> {
  const distinct = [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
  if (distinct.length === 0) return new DecisionRecords([]);
  const rows: ConsentRow[] = await poolQuery(dataSource)(
    `SELECT c.id, c.customer_id, c.channel, c.topic, c.account_id, c.address, c.address_type, c.status,
            c.last_ledger_id, c.occurred_at, c.updated_at
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS k(customer_id, channel, topic, account_id, address)
       JOIN consents c ON c.org_id = $1 AND c.customer_id = k.customer_id AND c.channel = k.channel
                      AND c.topic = k.topic AND c.account_id = k.account_id
                      AND (k.address IS NULL OR c.address IN ('', k.address))`,
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
  return new DecisionRecords([...unique.values()].map((r) => toConsent(orgId, r)));
}

/** The ledger entries that set the given records, by ledger id, in one query. */
export async function readLedgerEntries(dataSource: DataSource, orgId: string, records: Consent[]): Promise<Map<number, ConsentLedgerEntry>> {
  const ids = [...new Set(records.flatMap((r) => (r.lastLedgerId === null ? [] : [r.lastLedgerId])))];
  if (ids.length === 0) return new Map();
  const entries = await dataSource
    .getRepository(ConsentLedgerEntry)
    .createQueryBuilder('l')
    .where('l.org_id = :orgId AND l.id = ANY(:ids::bigint[])', { orgId, ids })
    .getMany();
  return new Map(entries.map((e) => [e.id, e]));
}
