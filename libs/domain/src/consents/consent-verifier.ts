import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { consentKeyString } from './consent-key';
import { ConsentRow } from './consent-store';
import { judgeChange, TimedStatus } from './consent-timeline';
import { normalizeAddress } from './contact-address';

/** One key whose stored state is not what its ledger replays to, or a ledger row that broke the time rule. */
export interface ConsentMismatch {
  orgId: string;
  customerId: number;
  key: string;
  problem: string;
}

export interface VerifyReport {
  customers: number;
  keys: number;
  ledgerRows: number;
  mismatches: ConsentMismatch[];
}

interface LedgerRowRead {
  id: string;
  customer_id: string;
  channel: Channel;
  topic: string;
  account_id: string;
  address: string;
  status: ConsentStatus;
  occurred_at: Date | null;
  created_at: Date;
  superseded_by_occurred_at: Date | null;
}

type StateRowRead = Pick<ConsentRow, 'customer_id' | 'channel' | 'topic' | 'account_id' | 'address' | 'status' | 'occurred_at' | 'last_ledger_id'>;

interface Replayed extends TimedStatus {
  ledgerId: number;
}

/** Customers per round: bounds memory whatever the size of an org. */
const CUSTOMERS_PER_BATCH = 500;

/**
 * The proof that state equals the ledger: replays every customer's ledger, in the order it was
 * written, through the same time rule the writes use, and compares the result with the stored
 * state. A row not marked superseded must be one the rule applies; a superseded row must be one
 * it refuses; every key's stored status, time and deciding ledger row must be the replay's.
 * Rows from before changes carried a time replay with the time they were written.
 */
export async function verifyConsentLedger(
  dataSource: DataSource,
  orgIds?: string[],
  defaultPhoneRegion?: string,
): Promise<VerifyReport> {
  const orgs: Array<{ id: string; phone_region: string | null }> = await dataSource.query(
    'SELECT id, phone_region FROM orgs WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[]) ORDER BY id',
    [orgIds ?? null],
  );
  const report: VerifyReport = { customers: 0, keys: 0, ledgerRows: 0, mismatches: [] };
  for (const { id: orgId, phone_region } of orgs) {
    const region = phone_region ?? defaultPhoneRegion;
    let after = 0;
    for (;;) {
      const customers: Array<{ id: string }> = await dataSource.query(
        'SELECT id FROM customers WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3',
        [orgId, after, CUSTOMERS_PER_BATCH],
      );
      if (customers.length === 0) break;
      const ids = customers.map((c) => c.id);
      after = Number(ids[ids.length - 1]);
      await verifyBatch(dataSource, orgId, region, ids, report);
      report.customers += ids.length;
    }
  }
  return report;
}

async function verifyBatch(
  dataSource: DataSource,
  orgId: string,
  phoneRegion: string | undefined,
  customerIds: string[],
  report: VerifyReport,
): Promise<void> {
  const ledger: LedgerRowRead[] = await dataSource.query(
    `SELECT id, customer_id, channel, topic, account_id, address, status, occurred_at, created_at, superseded_by_occurred_at
     FROM consent_ledger WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY id`,
    [orgId, customerIds],
  );
  const states: StateRowRead[] = await dataSource.query(
    `SELECT customer_id, channel, topic, account_id, address, status, occurred_at, last_ledger_id
     FROM consents WHERE org_id = $1 AND customer_id = ANY($2::bigint[])`,
    [orgId, customerIds],
  );
  report.ledgerRows += ledger.length;
  const mismatch = (customerId: string, key: string, problem: string) =>
    report.mismatches.push({ orgId, customerId: Number(customerId), key, problem });
  // A ledger address may predate the one spelling per address: the state is keyed by its normal
  // form, in the org's region (normalizing is idempotent, so rows already in it stay as they are).
  const keyOf = (r: { customer_id: string; channel: Channel; topic: string; account_id: string; address: string }) =>
    `${r.customer_id}:${consentKeyString({ channel: r.channel, topic: r.topic, accountId: r.account_id, address: normalizeAddress(r.channel, r.address, phoneRegion) })}`;

  const replayed = replayLegacyRows(ledger.filter((r) => r.occurred_at === null), keyOf);
  for (const row of ledger.filter((r) => r.occurred_at !== null)) {
    const key = keyOf(row);
    const current = replayed.get(key) ?? null;
    const change = { status: row.status, occurredAt: row.occurred_at! };
    const verdict = judgeChange(current, change, true);
    if (row.superseded_by_occurred_at !== null && verdict !== 'superseded') {
      mismatch(row.customer_id, key, `ledger ${row.id} is marked superseded, but the time rule applies it`);
    }
    if (row.superseded_by_occurred_at === null && verdict === 'superseded') {
      mismatch(row.customer_id, key, `ledger ${row.id} changed the state, but happened before the change that had set it`);
    }
    if (row.superseded_by_occurred_at === null) replayed.set(key, { ...change, ledgerId: Number(row.id) });
  }

  const stored = new Map(states.map((s) => [keyOf(s), s]));
  report.keys += new Set([...replayed.keys(), ...stored.keys()]).size;
  for (const [key, expected] of replayed) {
    const state = stored.get(key);
    const customerId = key.slice(0, key.indexOf(':'));
    if (!state) {
      mismatch(customerId, key, `the ledger replays to ${expected.status} (ledger ${expected.ledgerId}), but no state is stored`);
      continue;
    }
    const problems = [
      state.status !== expected.status && `status ${state.status}, the ledger replays to ${expected.status}`,
      Number(state.last_ledger_id) !== expected.ledgerId && `decided by ledger ${state.last_ledger_id}, the replay by ${expected.ledgerId}`,
      state.occurred_at.getTime() !== expected.occurredAt.getTime() &&
        `occurred at ${state.occurred_at.toISOString()}, the replay at ${expected.occurredAt.toISOString()}`,
    ].filter((p): p is string => typeof p === 'string');
    if (problems.length) mismatch(customerId, key, problems.join('; '));
  }
  for (const [key, state] of stored) {
    if (!replayed.has(key)) mismatch(state.customer_id, key, `state ${state.status} is stored, but no ledger row set it`);
  }
}

/**
 * Rows written before changes carried a time (occurred_at NULL) replay as they were applied then:
 * each spelling of an address followed its last row. Spellings that now read as one address were
 * joined by the migration that respelled them, the newest (on equal times the opt-out) winning;
 * the replay joins them by the same rule.
 */
function replayLegacyRows(rows: LedgerRowRead[], keyOf: (row: LedgerRowRead) => string): Map<string, Replayed> {
  const lastPerSpelling = new Map<string, LedgerRowRead>();
  for (const row of rows) lastPerSpelling.set(`${keyOf(row)}|${row.address}`, row);
  const replayed = new Map<string, Replayed>();
  for (const row of lastPerSpelling.values()) {
    const key = keyOf(row);
    const candidate: Replayed = { status: row.status, occurredAt: row.created_at, ledgerId: Number(row.id) };
    const current = replayed.get(key);
    if (!current || outranks(candidate, current)) replayed.set(key, candidate);
  }
  return replayed;
}

/** The migration's order between spellings of one address: newest, then forbidding, then last written. */
function outranks(a: Replayed, b: Replayed): boolean {
  const byTime = a.occurredAt.getTime() - b.occurredAt.getTime();
  if (byTime !== 0) return byTime > 0;
  const forbids = (r: Replayed) => (r.status === ConsentStatus.OPTIN ? 0 : 1);
  if (forbids(a) !== forbids(b)) return forbids(a) > forbids(b);
  return a.ledgerId > b.ledgerId;
}
