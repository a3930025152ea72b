import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { consentKeyString } from './consent-key';
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

interface StateRowRead {
  customer_id: string;
  channel: Channel;
  topic: string;
  account_id: string;
  address: string;
  status: ConsentStatus;
  occurred_at: Date;
  last_ledger_id: string | null;
}

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
export async function verifyConsentLedger(dataSource: DataSource, orgIds?: string[]): Promise<VerifyReport> {
  const orgs: Array<{ id: string }> = orgIds
    ? orgIds.map((id) => ({ id }))
    : await dataSource.query('SELECT id FROM orgs ORDER BY id');
  const report: VerifyReport = { customers: 0, keys: 0, ledgerRows: 0, mismatches: [] };
  for (const { id: orgId } of orgs) {
    let after = 0;
    for (;;) {
      const customers: Array<{ id: string }> = await dataSource.query(
        'SELECT id FROM customers WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3',
        [orgId, after, CUSTOMERS_PER_BATCH],
      );
      if (customers.length === 0) break;
      const ids = customers.map((c) => c.id);
      after = Number(ids[ids.length - 1]);
      await verifyBatch(dataSource, orgId, ids, report);
      report.customers += ids.length;
    }
  }
  return report;
}

async function verifyBatch(dataSource: DataSource, orgId: string, customerIds: string[], report: VerifyReport): Promise<void> {
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
  // A ledger address may predate the one spelling per address: the state is keyed by its normal form.
  const keyOf = (r: { customer_id: string; channel: Channel; topic: string; account_id: string; address: string }) =>
    `${r.customer_id}:${consentKeyString({ channel: r.channel, topic: r.topic, accountId: r.account_id, address: normalizeAddress(r.channel, r.address) })}`;

  const replayed = new Map<string, Replayed>();
  for (const row of ledger) {
    const key = keyOf(row);
    const current = replayed.get(key) ?? null;
    const change = { status: row.status, occurredAt: row.occurred_at ?? row.created_at };
    if (row.occurred_at !== null) {
      const verdict = judgeChange(current, change, true);
      if (row.superseded_by_occurred_at !== null && verdict !== 'superseded') {
        mismatch(row.customer_id, key, `ledger ${row.id} is marked superseded, but the time rule applies it`);
      }
      if (row.superseded_by_occurred_at === null && verdict === 'superseded') {
        mismatch(row.customer_id, key, `ledger ${row.id} changed the state, but happened before the change that had set it`);
      }
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
