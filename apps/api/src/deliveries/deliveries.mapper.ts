import { BatchWithAttempts } from '@app/domain';

/** A batch as operators read it: state, timing, and every attempt with what came back. */
export function toBatchResponse(batch: BatchWithAttempts) {
  return {
    batchId: batch.id,
    state: batch.state,
    replay: batch.replay,
    eventCount: batch.eventCount,
    attemptCount: batch.attemptCount,
    nextAttemptAt: batch.state === 'SENDING' ? batch.nextAttemptAt.toISOString() : null,
    failureReason: batch.failureReason,
    createdAt: batch.createdAt.toISOString(),
    deliveredAt: batch.deliveredAt?.toISOString() ?? null,
    failedAt: batch.failedAt?.toISOString() ?? null,
    attempts: batch.attempts.map((a) => ({
      attempt: a.attemptNumber,
      url: a.url,
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      responseBody: a.responseBody,
      error: a.error,
      nextAttemptAt: a.nextAttemptAt?.toISOString() ?? null,
      at: a.createdAt.toISOString(),
    })),
  };
}
