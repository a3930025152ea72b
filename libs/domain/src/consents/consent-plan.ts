import { ConsentStatus } from '../common/consent-status';
import { ConsentKey, consentKeyString } from './consent-key';
import { judgeChange, TimedStatus } from './consent-timeline';
import { StoredConsent } from './consent-store';
import { normalizeAddress } from './contact-address';

export interface ConsentChange extends ConsentKey {
  status: ConsentStatus;
  /**
   * true: when a record exists its status is kept and `status` only applies to a new record
   * (Altcraft's omitted status: "pass it only when you need to update the status").
   */
  keepRecordedStatus?: boolean;
  /** What kind of address `address` is, when the caller says (WM's selection type). */
  addressType?: string | null;
  orgUnitId?: string | null;
  sourceName?: string | null;
  /** When this change happened, if the caller says; otherwise the command's time. */
  occurredAt?: Date;
}

/** A change as planned: its address in the one spelling, its status resolved, its time fixed. */
export type PlannedChange = ConsentChange & { occurredAt: Date };

export interface PlannedWrite {
  index: number;
  change: PlannedChange;
  /** null when no record existed (the implicit default applied). */
  previousStatus: ConsentStatus | null;
  verdict: 'apply' | 'reaffirm' | 'superseded';
  /** The key's state before this change, when it had a record. */
  current: TimedStatus | null;
}

export interface ConsentPlan {
  /** Everything the ledger receives, in request order. */
  writes: PlannedWrite[];
  /** Items that asked for what the key already said: nothing is written for them. */
  unchanged: Array<{ index: number; change: PlannedChange; previousStatus: ConsentStatus | null }>;
}

export interface PlanOptions {
  /** The time of changes that carry none: the command's, or when the request arrived. */
  occurredAt: Date;
  /** true: a key without a record gets one even for the implicit default (explicit choices). */
  createMissing: boolean;
  /** The org's phone region, to bring phone numbers to one spelling. */
  phoneRegion?: string;
}

/**
 * A request for confirmation (UNCONFIRMED: native `confirm`, Altcraft's `unconfirmed`) of a key
 * whose record is an explicit OPTIN asks the person for what they already gave: the opt-in stays,
 * and nothing is written or sent. (The implicit default is no record, so it is still asked.)
 */
function asksToConfirmAnOptIn(current: TimedStatus | null, asked: ConsentStatus): boolean {
  return asked === ConsentStatus.UNCONFIRMED && current?.status === ConsentStatus.OPTIN;
}

/**
 * Decides, without touching the database, what each change does to `before` (see judgeChange).
 * Changes are judged in request order against the state the earlier ones left, so a request that
 * names one key twice ends as if they had come one after the other.
 */
export function planChanges(before: StoredConsent[], changes: ConsentChange[], options: PlanOptions): ConsentPlan {
  const state = new Map<string, TimedStatus>(before.map((r) => [consentKeyString(r), { status: r.status, occurredAt: r.occurredAt }]));
  const plan: ConsentPlan = { writes: [], unchanged: [] };
  changes.forEach((asked, index) => {
    const address = normalizeAddress(asked.channel, asked.address, options.phoneRegion);
    const key = consentKeyString({ ...asked, address });
    const current = state.get(key) ?? null;
    // A status kept as recorded says nothing new, and so has no time of its own to record.
    const keptAsRecorded = (asked.keepRecordedStatus === true && current !== null) || asksToConfirmAnOptIn(current, asked.status);
    const status = keptAsRecorded && current ? current.status : asked.status;
    const change: PlannedChange = { ...asked, address, status, occurredAt: asked.occurredAt ?? options.occurredAt };
    const previousStatus = current?.status ?? null;
    const verdict = keptAsRecorded ? 'unchanged' : judgeChange(current, change, options.createMissing);
    if (verdict === 'unchanged') {
      plan.unchanged.push({ index, change, previousStatus });
      return;
    }
    plan.writes.push({ index, change, previousStatus, verdict, current });
    if (verdict !== 'superseded') state.set(key, { status, occurredAt: change.occurredAt });
  });
  return plan;
}
