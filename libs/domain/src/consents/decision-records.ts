import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { poolQuery } from '../common/raw-client';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';
import { Consent } from './consent.entity';
import { ConsentRow } from './consent-store';
import { ResolvedCustomer, resolvedCustomer } from '../customers/customer-references';

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

/** What one question read: its customer as resolved, and the records of its key with the ledger entries that set them. */
export class QuestionRecords {
  private readonly records: Consent[] = [];
  private readonly entries = new Map<number, ConsentLedgerEntry>();

  constructor(readonly customer: ResolvedCustomer) {}

  add(record: Consent, ledgerEntry: ConsentLedgerEntry | null): void {
    this.records.push(record);
    if (ledgerEntry) this.entries.set(ledgerEntry.id, ledgerEntry);
  }

  /** The channel-wide record (address ''), if any. */
  get channelRecord(): Consent | null {
    return this.records.find((r) => r.address === '') ?? null;
  }

  /** The address-level records read: the one asked about, or every one when no address was asked. */
  get addressRecords(): Consent[] {
    return this.records.filter((r) => r.address !== '');
  }

  /** The ledger entry that set a record, read with it; null for a record older than the ledger. */
  ledgerEntryOf(record: Consent): ConsentLedgerEntry | null {
    return (record.lastLedgerId !== null && this.entries.get(record.lastLedgerId)) || null;
  }
}

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
 * For each question, in one statement over the unnested questions: whether its customer is in the
 * org (not erased), the survivor when it was merged, and the survivor's records of the key, each
 * with the ledger entry that set it. One round trip however many questions there are, and every
 * answer read as of one moment. (A merge moves a record to the survivor under the same ledger row,
 * so an entry is found by its id alone.) Null for a question whose customer is unknown.
 */
export async function readQuestionRecords(dataSource: DataSource, orgId: string, asked: AskedKey[]): Promise<Array<QuestionRecords | null>> {
  const answers: Array<QuestionRecords | null> = asked.map(() => null);
  if (asked.every((k) => k.named === null)) return answers;
  const rows: Array<RecordWithEntryRow & { n: string; named_id: string; merged_into: string | null }> = await poolQuery(dataSource)(
    `SELECT k.n, cu.id AS named_id, cu.merged_into,
            c.id, c.customer_id, c.channel, c.topic, c.account_id, c.address, c.address_type, c.status,
            c.last_ledger_id, c.occurred_at, c.updated_at,
            l.id AS l_id, l.previous_status AS l_previous_status, l.status AS l_status, l.dialect AS l_dialect,
            l.source_name AS l_source_name, l.api_key_id AS l_api_key_id, l.actor AS l_actor, l.reason AS l_reason,
            l.campaign_id AS l_campaign_id, l.communication_id AS l_communication_id, l.org_unit_id AS l_org_unit_id,
            l.ip AS l_ip, l.user_agent AS l_user_agent, l.request_id AS l_request_id, l.proof AS l_proof,
            l.event_id AS l_event_id, l.occurred_at AS l_occurred_at,
            l.superseded_by_occurred_at AS l_superseded_by_occurred_at, l.created_at AS l_created_at
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
            WITH ORDINALITY AS k(customer_id, channel, topic, account_id, address, n)
       JOIN customers cu ON cu.org_id = $1 AND cu.id = k.customer_id AND cu.erased_at IS NULL
       LEFT JOIN consents c ON c.org_id = $1 AND c.customer_id = coalesce(cu.merged_into, cu.id) AND c.channel = k.channel
                           AND c.topic = k.topic AND c.account_id = k.account_id
                           AND (k.address IS NULL OR c.address IN ('', k.address))
       LEFT JOIN consent_ledger l ON l.org_id = $1 AND l.id = c.last_ledger_id`,
    [
      orgId,
      asked.map((k) => k.named),
      asked.map((k) => k.channel),
      asked.map((k) => k.topic),
      asked.map((k) => k.accountId),
      asked.map((k) => k.address),
    ],
    'optline-question-records',
  );
  for (const row of rows) {
    const n = Number(row.n) - 1;
    const answer = (answers[n] ??= new QuestionRecords(resolvedCustomer(Number(row.named_id), row.merged_into === null ? null : Number(row.merged_into))));
    if (row.id !== null) answer.add(toConsent(orgId, row), toLedgerEntry(orgId, row));
  }
  return answers;
}
