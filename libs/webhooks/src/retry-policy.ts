/** What to do after a failed attempt. */
export type RetryDecision =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'give-up'; reason: string };

export interface RetryPolicyOptions {
  scheduleSeconds: number[];
  /** ±fraction of random spread on each delay, so retries of many batches do not align. */
  jitter?: number;
  random?: () => number;
}

/** A Retry-After is honoured between 1 second and 1 hour; outside that, the schedule decides. */
const RETRY_AFTER_MIN_S = 1;
const RETRY_AFTER_MAX_S = 3600;

/**
 * After attempt `attempt` (1-based) failed: 410 Gone and an exhausted schedule give up; a 429 or
 * 503 with Retry-After waits what the consumer asked (within bounds); anything else follows the
 * schedule with jitter.
 */
export function decideRetry(
  attempt: number,
  outcome: { status: number | null; retryAfterSeconds: number | null },
  options: RetryPolicyOptions,
): RetryDecision {
  if (outcome.status === 410) return { kind: 'give-up', reason: 'The consumer answered 410 Gone' };
  if (attempt > options.scheduleSeconds.length) {
    return { kind: 'give-up', reason: `Retry schedule exhausted after ${attempt} attempts` };
  }
  const honoursRetryAfter = (outcome.status === 429 || outcome.status === 503) && outcome.retryAfterSeconds !== null;
  if (honoursRetryAfter) {
    const seconds = Math.min(RETRY_AFTER_MAX_S, Math.max(RETRY_AFTER_MIN_S, outcome.retryAfterSeconds as number));
    return { kind: 'retry', delayMs: seconds * 1000 };
  }
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const base = options.scheduleSeconds[attempt - 1] * 1000;
  return { kind: 'retry', delayMs: Math.round(base * (1 - jitter + 2 * jitter * random())) };
}

/** The first this many attempts of a batch go to the primary URL (Responsys: the backup after 3 failures). */
export const PRIMARY_ATTEMPTS_BEFORE_BACKUP = 3;

/**
 * Where attempt `attempt` (1-based, counted from the batch's last redelivery) goes: the primary
 * for the first 3, then the backup and the primary in turn. A primary that failed three times is
 * often back by the next retry (the schedule's gaps grow to hours); were the backup kept for good,
 * a recovered primary would never see the batch again, and a dead backup would fail it.
 */
export function urlForAttempt(attempt: number, primary: string, backup: string | null): string {
  if (!backup || attempt <= PRIMARY_ATTEMPTS_BEFORE_BACKUP) return primary;
  return (attempt - PRIMARY_ATTEMPTS_BEFORE_BACKUP) % 2 === 1 ? backup : primary;
}
