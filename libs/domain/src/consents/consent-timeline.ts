import { allowsSending, ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';

/** A key's current state as far as time is concerned: what it says, and when that was said. */
export interface TimedStatus {
  status: ConsentStatus;
  occurredAt: Date;
}

/**
 * What a change does to a key:
 * - `apply`: it changes the state (ledger row, state, event), or asks again for a confirmation;
 * - `reaffirm`: it repeats a forbidding status at a later time: the state keeps its status but
 *   takes the later time (ledger row, no event), so an opt-out repeated at 11:00 is not undone by
 *   an opt-in that happened at 10:45 and arrives late;
 * - `unchanged`: it says what the state already says (nothing written);
 * - `superseded`: it happened before the change that set the state (ledger row marked as
 *   superseded, nothing else).
 */
export type Verdict = 'apply' | 'reaffirm' | 'unchanged' | 'superseded';

/**
 * THE time rule. A change applies only when it happened after the change that set the current
 * state; on equal times a status that forbids sending wins, so an opt-out is never undone by an
 * opt-in of the same instant. `current` null: the key has no record, and the implicit default
 * holds; asking for the default then writes nothing unless the caller records explicit choices.
 */
export function judgeChange(current: TimedStatus | null, change: TimedStatus, recordsDefault: boolean): Verdict {
  if (current === null) return !recordsDefault && change.status === DEFAULT_CONSENT_STATUS ? 'unchanged' : 'apply';
  const order = change.occurredAt.getTime() - current.occurredAt.getTime();
  const forbids = !allowsSending(change.status);
  // A later request for confirmation asks the person anew (a new event with a new link), so a
  // double opt-in that expired, or whose message was lost, can be asked again.
  if (change.status === current.status && order > 0 && change.status === ConsentStatus.UNCONFIRMED) return 'apply';
  if (change.status === current.status) return order > 0 && forbids ? 'reaffirm' : 'unchanged';
  if (order > 0 || (order === 0 && forbids)) return 'apply';
  return 'superseded';
}

/** Changes never claim to come from the future: a future time would pin a key against every real change. */
export function effectiveTime(claimed: Date | undefined, receivedAt: Date): Date {
  return claimed && claimed.getTime() < receivedAt.getTime() ? claimed : receivedAt;
}
