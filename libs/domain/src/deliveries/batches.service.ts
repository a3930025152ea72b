import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

/** Everything needed to send one batch: the batch, its subscription and its callback. */
export interface BatchToSend {
  batchId: string;
  orgId: string;
  subscriptionId: string;
  subscriptionName: string;
  callbackName: string;
  url: string;
  backupUrl: string | null;
  authUser: string | null;
  authPassword: string | null;
  /** Current secret first, then the previous one while it is still valid. */
  secrets: string[];
  replay: boolean;
  /** 1-based and never reused; also the lease token: only its holder may record the outcome. */
  attempt: number;
  /** Attempts since the batch was last (re)delivered by an operator: what the retry schedule counts. */
  scheduleAttempt: number;
}

export type NextStep =
  | { kind: 'send'; batch: BatchToSend }
  /** A partial batch that is not old enough, or a retry that is not due: come back later. */
  | { kind: 'wait'; delayMs: number; oldestDeliveryId?: number }
  /** Another worker holds the batch in flight. */
  | { kind: 'busy' }
  /** Nothing to send (or the subscription is PAUSED, or gone). */
  | { kind: 'idle' };

export interface AttemptRecord {
  url: string;
  status: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

/** One lock id per subscription for the short transactions that open or lease its batch. */
export const BATCH_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('batch:' || $1::text, 0))`;

@Injectable()
export class BatchesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Decides what the subscription sends next, strictly one batch at a time: the open batch again
   * when its retry is due, else a new batch of the oldest pending deliveries once `batchSize` are
   * waiting or the oldest has waited `flushMs`. The batch is leased to the caller for `leaseMs`.
   */
  async nextStep(subscriptionId: string, flushMs: number, leaseMs: number): Promise<NextStep> {
    return this.dataSource.transaction(async (m) => {
      await m.query(BATCH_LOCK_SQL, [subscriptionId]);
      const [sub] = await m.query(
        `SELECT s.id, s.org_id, s.name, s.status, s.batch_size, c.name AS callback_name, c.url, c.backup_url,
                c.auth_user, c.auth_password, c.signing_secret, c.previous_signing_secret,
                c.previous_secret_expires_at > now() AS previous_valid
         FROM event_subscriptions s JOIN callbacks c ON c.id = s.callback_id WHERE s.id = $1`,
        [subscriptionId],
      );
      if (!sub || sub.status !== 'ACTIVE') return { kind: 'idle' };

      const [open] = await m.query(
        `SELECT id, replay, attempt_count, attempt_offset,
                GREATEST(0, EXTRACT(EPOCH FROM next_attempt_at - now()) * 1000)::bigint AS due_in_ms,
                lease_until > now() AS leased
         FROM delivery_batches WHERE subscription_id = $1 AND state = 'SENDING'`,
        [subscriptionId],
      );
      if (open) {
        if (open.leased) return { kind: 'busy' };
        if (Number(open.due_in_ms) > 0) return { kind: 'wait', delayMs: Number(open.due_in_ms) };
        // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
        const [[leased]] = await m.query(
          `UPDATE delivery_batches SET attempt_count = attempt_count + 1,
                  lease_until = now() + make_interval(secs => $2::float / 1000)
           WHERE id = $1 RETURNING attempt_count`,
          [open.id, leaseMs],
        );
        return { kind: 'send', batch: toBatch(sub, open.id, open.replay, leased.attempt_count, open.attempt_offset) };
      }

      const pending: Array<{ id: string; replay: boolean; age_ms: string }> = await m.query(
        `SELECT id, replay, (EXTRACT(EPOCH FROM now() - created_at) * 1000)::bigint AS age_ms
         FROM deliveries WHERE subscription_id = $1 AND state = 'PENDING' ORDER BY id LIMIT $2`,
        [subscriptionId, sub.batch_size],
      );
      if (pending.length === 0) return { kind: 'idle' };
      const oldestAgeMs = Number(pending[0].age_ms);
      if (pending.length < sub.batch_size && oldestAgeMs < flushMs) {
        return { kind: 'wait', delayMs: flushMs - oldestAgeMs, oldestDeliveryId: Number(pending[0].id) };
      }
      // Replays travel in batches of their own, so a batch is either all replay or none.
      const replay = pending[0].replay;
      const cut = pending.findIndex((p) => p.replay !== replay);
      const members = cut === -1 ? pending : pending.slice(0, cut);
      const batchId = randomUUID();
      await m.query(
        `INSERT INTO delivery_batches (id, org_id, subscription_id, state, replay, event_count, attempt_count, next_attempt_at, lease_until)
         VALUES ($1, $2, $3, 'SENDING', $4, $5, 1, now(), now() + make_interval(secs => $6::float / 1000))`,
        [batchId, sub.org_id, subscriptionId, replay, members.length, leaseMs],
      );
      await m.query(
        `UPDATE deliveries SET state = 'IN_BATCH', batch_id = $1, updated_at = now() WHERE id = ANY($2::bigint[])`,
        [batchId, members.map((p) => p.id)],
      );
      return { kind: 'send', batch: toBatch(sub, batchId, replay, 1, 0) };
    });
  }

  /** The batch's events in delivery order. */
  async eventsOf(batchId: string): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(
      `SELECT e.id, e.type, e.occurred_at, e.customer_id, e.channel, e.campaign_id, e.campaign_name, e.recipient, e.payload
       FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.batch_id = $1 ORDER BY d.id`,
      [batchId],
    );
  }

  /** 2xx: the batch and its deliveries are delivered. False when the lease was lost meanwhile. */
  async recordDelivered(batch: BatchToSend, attempt: AttemptRecord): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      if (!(await this.holdsLease(m, batch))) return false;
      await this.insertAttempt(m, batch, attempt, null);
      await m.query(`UPDATE delivery_batches SET state = 'DELIVERED', delivered_at = now(), lease_until = NULL WHERE id = $1`, [
        batch.batchId,
      ]);
      await m.query(`UPDATE deliveries SET state = 'DELIVERED', updated_at = now() WHERE batch_id = $1`, [batch.batchId]);
      return true;
    });
  }

  /** A failure to retry: the batch keeps its place and waits `delayMs`. */
  async recordRetry(batch: BatchToSend, attempt: AttemptRecord, delayMs: number): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      if (!(await this.holdsLease(m, batch))) return;
      const nextAt = new Date(Date.now() + delayMs);
      await this.insertAttempt(m, batch, attempt, nextAt);
      await m.query(`UPDATE delivery_batches SET next_attempt_at = $2, lease_until = NULL WHERE id = $1`, [batch.batchId, nextAt]);
    });
  }

  /**
   * Giving up (410 Gone, or the schedule exhausted): the batch is failed, and the subscription is
   * PAUSED with the reason, so that later events are held for it rather than lost.
   */
  async recordFailed(batch: BatchToSend, attempt: AttemptRecord, reason: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      if (!(await this.holdsLease(m, batch))) return;
      await this.insertAttempt(m, batch, attempt, null);
      await m.query(
        `UPDATE delivery_batches SET state = 'FAILED', failed_at = now(), failure_reason = $2, lease_until = NULL WHERE id = $1`,
        [batch.batchId, reason],
      );
      await m.query(`UPDATE deliveries SET state = 'FAILED', updated_at = now() WHERE batch_id = $1`, [batch.batchId]);
      await m.query(
        `UPDATE event_subscriptions SET status = 'PAUSED', status_reason = $2, updated_at = now() WHERE id = $1`,
        [batch.subscriptionId, `Paused by optline: batch ${batch.batchId} failed. ${reason}`],
      );
    });
  }

  /** Subscriptions with work due that may have lost their scheduled flush (a Redis flush or restart). */
  async subscriptionsNeedingFlush(flushMs: number): Promise<string[]> {
    const rows: Array<{ subscription_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT d.subscription_id FROM deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id
       WHERE d.state = 'PENDING' AND s.status = 'ACTIVE'
         AND d.created_at < now() - make_interval(secs => ($1::float + 1000) / 1000)
         -- A subscription with a batch waiting for its retry is the second query's business.
         AND NOT EXISTS (SELECT 1 FROM delivery_batches o WHERE o.subscription_id = d.subscription_id AND o.state = 'SENDING')
       UNION
       SELECT b.subscription_id FROM delivery_batches b JOIN event_subscriptions s ON s.id = b.subscription_id
       WHERE b.state = 'SENDING' AND s.status = 'ACTIVE' AND b.next_attempt_at < now() - interval '1 second'
         AND (b.lease_until IS NULL OR b.lease_until < now())`,
      [flushMs],
    );
    return rows.map((r) => r.subscription_id);
  }

  /** Held deliveries older than the retention window are recorded as EXPIRED, never dropped silently. */
  async expireHeld(holdDays: number): Promise<number> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE deliveries d SET state = 'EXPIRED', updated_at = now()
       FROM event_subscriptions s
       WHERE s.id = d.subscription_id AND s.status = 'PAUSED' AND d.state = 'PENDING'
         AND d.created_at < now() - make_interval(days => $1)
       RETURNING d.id`,
      [holdDays],
    );
    return rows.length;
  }

  private async holdsLease(m: EntityManager, batch: BatchToSend): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM delivery_batches WHERE id = $1 AND state = 'SENDING' AND attempt_count = $2 FOR UPDATE`,
      [batch.batchId, batch.attempt],
    );
    return rows.length > 0;
  }

  private async insertAttempt(m: EntityManager, batch: BatchToSend, a: AttemptRecord, nextAt: Date | null): Promise<void> {
    await m.query(
      `INSERT INTO delivery_attempts (org_id, batch_id, attempt_number, url, status_code, duration_ms, response_body, error, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [batch.orgId, batch.batchId, batch.attempt, a.url, a.status, a.durationMs, a.responseBody, a.error, nextAt],
    );
  }
}

function toBatch(sub: Record<string, any>, batchId: string, replay: boolean, attempt: number, offset: number): BatchToSend {
  return {
    batchId,
    orgId: sub.org_id,
    subscriptionId: sub.id,
    subscriptionName: sub.name,
    callbackName: sub.callback_name,
    url: sub.url,
    backupUrl: sub.backup_url,
    authUser: sub.auth_user,
    authPassword: sub.auth_password,
    secrets: [sub.signing_secret, ...(sub.previous_valid && sub.previous_signing_secret ? [sub.previous_signing_secret] : [])],
    replay,
    attempt,
    scheduleAttempt: attempt - offset,
  };
}
