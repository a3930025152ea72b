import { decideRetry, urlForAttempt } from './retry-policy';

const schedule = { scheduleSeconds: [5, 300, 1800], random: () => 0.5 };

describe('retry policy', () => {
  it('follows the schedule, with jitter within ±20%', () => {
    expect(decideRetry(1, { status: 500, retryAfterSeconds: null }, schedule)).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(decideRetry(2, { status: null, retryAfterSeconds: null }, schedule)).toEqual({ kind: 'retry', delayMs: 300000 });
    const low = decideRetry(1, { status: 500, retryAfterSeconds: null }, { ...schedule, random: () => 0 });
    const high = decideRetry(1, { status: 500, retryAfterSeconds: null }, { ...schedule, random: () => 1 });
    expect(low).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(high).toEqual({ kind: 'retry', delayMs: 6000 });
  });

  it('gives up on 410 and when the schedule runs out', () => {
    expect(decideRetry(1, { status: 410, retryAfterSeconds: null }, schedule).kind).toBe('give-up');
    expect(decideRetry(4, { status: 500, retryAfterSeconds: null }, schedule)).toMatchObject({ kind: 'give-up', reason: expect.stringContaining('exhausted') });
  });

  it('honours Retry-After on 429 and 503 within bounds, and ignores it elsewhere', () => {
    expect(decideRetry(1, { status: 429, retryAfterSeconds: 2 }, schedule)).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(decideRetry(1, { status: 503, retryAfterSeconds: 0 }, schedule)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decideRetry(1, { status: 503, retryAfterSeconds: 999999 }, schedule)).toEqual({ kind: 'retry', delayMs: 3600000 });
    expect(decideRetry(1, { status: 500, retryAfterSeconds: 2 }, schedule)).toEqual({ kind: 'retry', delayMs: 5000 });
  });

  it('moves to the backup URL after 3 attempts on the primary, then alternates so a recovered primary is tried again', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => urlForAttempt(n, 'p', 'b'))).toEqual(['p', 'p', 'p', 'b', 'p', 'b', 'p', 'b']);
    expect(urlForAttempt(4, 'p', null)).toBe('p');
  });
});
