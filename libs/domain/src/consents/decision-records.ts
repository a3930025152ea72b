import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { poolQueryArrays } from '../common/raw-client';
import { TurnBatch } from '../common/turn-batch';
import { ResolvedCustomer, resolvedCustomer } from '../customers/customer-references';
import { levelOf, RecordedConsent } from './consent-precedence';

/** One question as the statement asks it: the customer named, and the key of the records it reads. */
export interface AskedKey {
  /** The customer id the question names; null when it names nobody (an identifier nobody holds). */
  named: number | null;
  channel: Channel;
  topic: string;
  accountId: string;
  /** The address asked about (its record and the channel-wide one are read); null reads every address. */
  address: string | null;
}

/** The ledger entry that set a deciding record, as an answer shows it (times in ISO 8601, UTC). */
export interface DecidingLedgerEntry {
  id: number;
  previousStatus: ConsentStatus | null;
  status: ConsentStatus;
  dialect: string;
  sourceName: string | null;
  apiKeyId: string | null;
  actor: string | null;
  reason: string | null;
  campaignId: string | null;
  communicationId: string | null;
  proof: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  eventId: string | null;
  /** When the change happened; for an entry older than that column, when it was recorded. */
  occurredAt: string;
  createdAt: string;
}

/**
 * A record that can decide a question, with the ledger entry that set it, as an answer shows it:
 * read once from its row, in the answer's field order, and shown as is (no copy per answer).
 */
export interface DecidingRecord {
  level: 'address' | 'channel';
  channel: Channel;
  topic: string;
  accountId: string;
  address: string;
  addressType: string | null;
  status: ConsentStatus;
  occurredAt: string;
  updatedAt: string;
  /** Null for a record older than the ledger. */
  ledgerEntry: DecidingLedgerEntry | null;
}

/** A record as the precedence rule reads it, with what an answer shows of it. */
export interface ReadRecord extends RecordedConsent {
  shown: DecidingRecord;
}

/** What one distinct question read: its customer as resolved, and the records of its key. */
export interface QuestionRecords {
  customer: ResolvedCustomer;
  /** The channel-wide record (address ''), if any. */
  channelRecord: ReadRecord | null;
  /** The address-level records read: the one asked about, or every one when no address was asked. */
  addressRecords: ReadRecord[];
}

/** The questions as read: each distinct question once, and where each asked question finds its own. */
export interface ReadQuestions {
  keys: AskedKey[];
  /** By distinct question; null for one whose customer is unknown. */
  records: Array<QuestionRecords | null>;
  /** For each question asked, in order, the index of its distinct question. */
  positions: number[];
}

/** A time column as epoch milliseconds, truncated like pg's own parser (see QUESTION_RECORDS_SQL). */
const epochMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * One array per question field, its org first. Each question is looked up on its own (LATERAL,
 * fenced with OFFSET 0 so the planner cannot flatten it into a join): its customer by primary key,
 * the records of the survivor's key by the unique index, each record's ledger entry by primary
 * key. Flattened, the join to the records through coalesce(merged_into, id) let a generic plan
 * scan every customer and record of the org's channel and topic: 6.7 ms instead of 0.2 ms for one
 * question at 1,000 customers, growing with the org. test/consent-decision.e2e-spec.ts checks the plan.
 *
 * Only what an answer shows is selected (the record's channel, topic and account are the question's
 * own), as arrays in this order (see COLUMN). Times come as epoch milliseconds: parsing 4,000
 * timestamp strings was 7% of a bulk request's CPU. Postgres truncates to the millisecond exactly
 * (extract(epoch) is numeric), as pg's own parser does, so the times shown are the same. An
 * entry's times are null where they equal its record's (the usual case: the entry that set the
 * record happened and was written with it), a number fewer to read and format per row.
 */
export const QUESTION_RECORDS_SQL = `
  SELECT k.n::int, cu.merged_into,
         c.address, c.address_type, c.status, ${epochMs('c.occurred_at')} AS occurred_ms, ${epochMs('c.updated_at')} AS updated_ms,
         l.id AS l_id, l.previous_status, l.status AS l_status, l.dialect, l.source_name, l.api_key_id, l.actor, l.reason,
         l.campaign_id, l.communication_id, l.proof, l.ip, l.user_agent, l.request_id, l.event_id,
         nullif(${epochMs('coalesce(l.occurred_at, l.created_at)')}, ${epochMs('c.occurred_at')}) AS l_occurred_ms,
         nullif(${epochMs('l.created_at')}, ${epochMs('c.updated_at')}) AS l_created_ms
    FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
         WITH ORDINALITY AS k(org_id, customer_id, channel, topic, account_id, address, n)
   CROSS JOIN LATERAL (
         SELECT id, merged_into, coalesce(merged_into, id) AS answering_id FROM customers
          WHERE org_id = k.org_id AND id = k.customer_id AND erased_at IS NULL OFFSET 0) cu
    LEFT JOIN LATERAL (
         SELECT * FROM consents
          WHERE org_id = k.org_id AND customer_id = cu.answering_id AND channel = k.channel AND topic = k.topic
            AND account_id = k.account_id AND (k.address IS NULL OR address IN ('', k.address)) OFFSET 0) c ON true
    LEFT JOIN LATERAL (
         SELECT * FROM consent_ledger WHERE id = c.last_ledger_id AND org_id = k.org_id OFFSET 0) l ON true`;

/** Where each column of QUESTION_RECORDS_SQL is in a row (rows come as arrays). */
const COLUMN = {
  n: 0,
  mergedInto: 1,
  address: 2,
  addressType: 3,
  status: 4,
  occurredMs: 5,
  updatedMs: 6,
  entryId: 7,
  previousStatus: 8,
  entryStatus: 9,
  dialect: 10,
  sourceName: 11,
  apiKeyId: 12,
  actor: 13,
  reason: 14,
  campaignId: 15,
  communicationId: 16,
  proof: 17,
  ip: 18,
  userAgent: 19,
  requestId: 20,
  eventId: 21,
  entryOccurredMs: 22,
  createdMs: 23,
} as const;

const isoOf = (ms: number) => new Date(ms).toISOString();

/** A row's ledger entry, null when none set the record. */
function ledgerEntryOf(row: any[], record: DecidingRecord): DecidingLedgerEntry | null {
  if (row[COLUMN.entryId] === null) return null;
  const entryOccurredMs: number | null = row[COLUMN.entryOccurredMs];
  const createdMs: number | null = row[COLUMN.createdMs];
  return {
    id: Number(row[COLUMN.entryId]),
    previousStatus: row[COLUMN.previousStatus],
    status: row[COLUMN.entryStatus],
    dialect: row[COLUMN.dialect],
    sourceName: row[COLUMN.sourceName],
    apiKeyId: row[COLUMN.apiKeyId],
    actor: row[COLUMN.actor],
    reason: row[COLUMN.reason],
    campaignId: row[COLUMN.campaignId],
    communicationId: row[COLUMN.communicationId],
    proof: row[COLUMN.proof],
    ip: row[COLUMN.ip],
    userAgent: row[COLUMN.userAgent],
    requestId: row[COLUMN.requestId],
    eventId: row[COLUMN.eventId],
    // Null: the same time as the record's (see QUESTION_RECORDS_SQL).
    occurredAt: entryOccurredMs === null ? record.occurredAt : isoOf(entryOccurredMs),
    createdAt: createdMs === null ? record.updatedAt : isoOf(createdMs),
  };
}

/** A row's record with its ledger entry; the key's channel, topic and account are the question's. */
function readRecord(key: AskedKey, row: any[]): ReadRecord {
  const address: string = row[COLUMN.address];
  const status: ConsentStatus = row[COLUMN.status];
  const occurredMs: number = row[COLUMN.occurredMs];
  const updatedMs: number = row[COLUMN.updatedMs];
  const occurredAt = isoOf(occurredMs);
  const shown: DecidingRecord = {
    level: address === '' ? 'channel' : 'address',
    channel: key.channel,
    topic: key.topic,
    accountId: key.accountId,
    address,
    addressType: row[COLUMN.addressType],
    status,
    occurredAt,
    // Often the same moment (a change recorded as it happened): formatted once.
    updatedAt: updatedMs === occurredMs ? occurredAt : isoOf(updatedMs),
    ledgerEntry: null,
  };
  shown.ledgerEntry = ledgerEntryOf(row, shown);
  return { status, address, occurredMs, shown };
}

/** The distinct questions of one request, all about customers of one org. */
interface QuestionsOfOrg {
  orgId: string;
  keys: AskedKey[];
}

/** Distinct questions in a request, at most, for it to share a statement with other requests'. */
const SHARED_STATEMENT_MAX_KEYS = 16;

/**
 * For each question, in one statement over the unnested questions: whether its customer is in the
 * org (not erased), the survivor when it was merged, and the survivor's records of the key, each
 * with the ledger entry that set it. One round trip however many questions there are, and every
 * answer read as of one moment. A question asked twice is read once (a thousand copies of one
 * question about a customer with fifty addresses would otherwise read 50,000 rows).
 *
 * Small requests (the "may I send?" of one customer) asked during one turn of the event loop share
 * one statement (TurnBatch), as the write path's do: under load, one round trip for many requests.
 */
export class QuestionRecordsReader {
  private readonly query: (text: string, params: unknown[], name: string) => Promise<unknown[][]>;
  /** Per request, its rows (each row an array of the columns). */
  private readonly smallRequests: TurnBatch<QuestionsOfOrg, unknown[][]>;

  constructor(dataSource: DataSource) {
    this.query = poolQueryArrays(dataSource);
    this.smallRequests = new TurnBatch((requests) => this.rowsOfEach(requests), { maxItems: 64 });
  }

  async read(orgId: string, asked: AskedKey[]): Promise<ReadQuestions> {
    const distinct = new Map<string, number>();
    const keys: AskedKey[] = [];
    const positions = asked.map((key) => {
      const id = `${key.named}\u0000${key.channel}\u0000${key.topic}\u0000${key.accountId}\u0000${key.address ?? '\u0001'}`;
      let position = distinct.get(id);
      if (position === undefined) {
        distinct.set(id, (position = keys.length));
        keys.push(key);
      }
      return position;
    });
    const records: Array<QuestionRecords | null> = keys.map(() => null);
    if (!keys.some((k) => k.named !== null)) return { keys, records, positions };
    const rows =
      keys.length <= SHARED_STATEMENT_MAX_KEYS ? await this.smallRequests.add({ orgId, keys }) : (await this.rowsOfEach([{ orgId, keys }]))[0];
    for (const row of rows as any[][]) {
      const n: number = row[COLUMN.n] - 1;
      let read = records[n];
      if (!read) {
        // The customer row found is the one the question names (its id is the key's).
        const customer = resolvedCustomer(keys[n].named!, row[COLUMN.mergedInto] === null ? null : Number(row[COLUMN.mergedInto]));
        read = records[n] = { customer, channelRecord: null, addressRecords: [] };
      }
      if (row[COLUMN.status] === null) continue; // no record of the key
      const record = readRecord(keys[n], row);
      if (levelOf(record) === 'channel') read.channelRecord = record;
      else read.addressRecords.push(record);
    }
    return { keys, records, positions };
  }

  /** One statement for the questions of every request; each request's rows numbered from 1 again. */
  private async rowsOfEach(requests: QuestionsOfOrg[]): Promise<unknown[][][]> {
    const all = requests.flatMap((r) => r.keys.map((key) => ({ orgId: r.orgId, key })));
    const rows = await this.query(
      QUESTION_RECORDS_SQL,
      [
        all.map((q) => q.orgId),
        all.map((q) => q.key.named),
        all.map((q) => q.key.channel),
        all.map((q) => q.key.topic),
        all.map((q) => q.key.accountId),
        all.map((q) => q.key.address),
      ],
      'optline-question-records',
    );
    if (requests.length === 1) return [rows];
    // Which request each numbered question belongs to, and where its numbering starts.
    const owner: number[] = [];
    const first: number[] = [];
    requests.forEach((r, i) => {
      first.push(owner.length);
      for (let k = 0; k < r.keys.length; k++) owner.push(i);
    });
    const split: unknown[][][] = requests.map(() => []);
    for (const row of rows as any[][]) {
      const i = owner[row[COLUMN.n] - 1];
      row[COLUMN.n] -= first[i];
      split[i].push(row);
    }
    return split;
  }
}
