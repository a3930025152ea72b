import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { consentKeyString } from './consent-key';
import { ConsentRow } from './consent-store';
import { judgeChange, TimedStatus } from './consent-timeline';
import { RESPELLED_REASON } from './contact-address';

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
  dialect: string;
  reason: string | null;
  proof: Record<string, unknown> | null;
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
 * Rows from before changes carried a time replay as applied, with the time they were written; a
 * key respelled by the normalization starts afresh at the row that restated it.
 */
export async function verifyConsentLedger(dataSource: DataSource, orgIds?: string[]): Promise<VerifyReport> {
  const orgs: Array<{ id: string }> = await dataSource.query(
    'SELECT id FROM orgs WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[]) ORDER BY id',
    [orgIds ?? null],
  );
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
    `SELECT id, customer_id, channel, topic, account_id, address, status, dialect, reason, proof, occurred_at, created_at,
       superseded_by_occurred_at
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
  const keyOf = (r: { customer_id: string; channel: Channel; topic: string; account_id: string; address: string }) =>
    `${r.customer_id}:${consentKeyString({ channel: r.channel, topic: r.topic, accountId: r.account_id, address: r.address })}`;

  const replayed = new Map<string, Replayed>();
  for (const row of ledger) {
    const key = keyOf(row);
    const written: Replayed = { status: row.status, occurredAt: row.occurred_at ?? row.created_at, ledgerId: Number(row.id) };
    if (row.dialect === 'system' && row.reason === RESPELLED_REASON) {
      // The key starts afresh under its new spelling; the spellings it absorbed are gone.
      replayed.set(key, written);
      for (const address of (row.proof?.respelledFrom as string[] | undefined) ?? []) replayed.delete(keyOf({ ...row, address }));
      continue;
    }
    if (row.occurred_at === null) {
      // Written before changes carried a time: every row was applied as it came.
      replayed.set(key, written);
      continue;
    }
    const verdict = judgeChange(replayed.get(key) ?? null, written, true);
    if (row.superseded_by_occurred_at !== null) {
      if (verdict !== 'superseded') mismatch(row.customer_id, key, `ledger ${row.id} is marked superseded, but the time rule applies it`);
      continue;
    }
    if (verdict === 'superseded') {
      mismatch(row.customer_id, key, `ledger ${row.id} changed the state, but happened before the change that had set it`);
    } else if (verdict === 'unchanged') {
      mismatch(row.customer_id, key, `ledger ${row.id} restates the state without a later time: nothing should have been written`);
    }
    replayed.set(key, written);
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

