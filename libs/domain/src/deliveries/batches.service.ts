import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { UUID_PATTERN, withRawClient } from '../common/raw-client';
import { whyNotMatching } from '../callbacks/subscription-matcher';
import { secretBox } from '../secrets/secret-box';

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
  /** Redelivered by an operator after newer batches went out: the webhook says so. */
  outOfOrder?: boolean;
  /** 1-based and never reused; also the lease token: only its holder may record the outcome. */
  attempt: number;
  /** Attempts since the batch was last (re)delivered by an operator: what the retry schedule counts. */
  scheduleAttempt: number;
  /** The batch's events in order, when they came with the step (a new batch); else read them. */
  events?: Array<Record<string, any>>;
}

export type NextStep =
  | { kind: 'send'; batch: BatchToSend }
  /** A partial batch that is not old enough, or a retry that is not due: come back later. */
  | { kind: 'wait'; delayMs: number }
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

/** What a webhook says about each event (see toWebhookEvent). */
const EVENT_COLUMNS = 'e.id, e.type, e.occurred_at, e.customer_id, e.channel, e.campaign_id, e.campaign_name, e.recipient, e.payload';

/** Rounds of skipping deliveries the subscription no longer takes, per step (a batch's worth each). */
const SKIP_ROUNDS_PER_STEP = 10;

interface PendingDelivery {
  id: string;
  event_id: string;
  replay: boolean;
  age_ms: string;
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
    if (!UUID_PATTERN.test(subscriptionId)) return { kind: 'idle' };
    return withRawClient(this.dataSource, async (client) => {
      // BEGIN, the subscription's lock, and (with a fresh snapshot, once the lock is held) the
      // subscription with its callback and open batch: one round trip. The id is a checked UUID.
      const [, , found] = (await client.query(
        `BEGIN;
         SELECT pg_advisory_xact_lock(hashtextextended('batch:${subscriptionId}', 0));
         SELECT s.id, s.org_id, s.name, s.status, s.batch_size, s.event_types, s.filters, c.name AS callback_name, c.url, c.backup_url,
                c.auth_user, c.auth_password, c.signing_secret, c.previous_signing_secret,
                c.previous_secret_expires_at > now() AS previous_valid,
                b.id AS open_id, b.replay AS open_replay, b.out_of_order AS open_out_of_order,
                b.attempt_offset AS open_offset, b.attempt_count AS open_attempts,
                b.lease_until > now() AS leased,
                GREATEST(0, EXTRACT(EPOCH FROM b.next_attempt_at - now()) * 1000)::bigint AS due_in_ms
         FROM event_subscriptions s JOIN callbacks c ON c.id = s.callback_id
         LEFT JOIN delivery_batches b ON b.subscription_id = s.id AND b.state = 'SENDING'
         WHERE s.id = '${subscriptionId}'`,
      )) as unknown as Array<{ rows: Array<Record<string, any>> }>;
      const step = await this.decide(client, found.rows[0], flushMs, leaseMs);
      await client.query('COMMIT');
      return step;
    });
  }

  private async decide(client: PoolClient, sub: Record<string, any> | undefined, flushMs: number, leaseMs: number): Promise<NextStep> {
    if (!sub || sub.status !== 'ACTIVE') return { kind: 'idle' };
    if (sub.open_id) {
      if (sub.leased) return { kind: 'busy' };
      if (Number(sub.due_in_ms) > 0) return { kind: 'wait', delayMs: Number(sub.due_in_ms) };
      // Only if the batch is as we saw it: a holder whose lease ran out may have just recorded it.
      const leased = await client.query({
        name: 'optline-batch-lease',
        text: `UPDATE delivery_batches SET attempt_count = attempt_count + 1,
                 lease_until = now() + make_interval(secs => $2::float / 1000)
               WHERE id = $1 AND state = 'SENDING' AND attempt_count = $3 RETURNING attempt_count`,
        values: [sub.open_id, leaseMs, sub.open_attempts],
      });
      if (leased.rows.length === 0) return { kind: 'busy' };
      const batch = toBatch(sub, sub.open_id, sub.open_replay, leased.rows[0].attempt_count, sub.open_offset);
      return { kind: 'send', batch: { ...batch, outOfOrder: sub.open_out_of_order } };
    }

    const pending = await this.pendingStillMatching(client, sub);
    if (pending === 'more') return { kind: 'wait', delayMs: 0 };
    if (pending.length === 0) return { kind: 'idle' };
    const oldestAgeMs = Number(pending[0].age_ms);
    if (pending.length < sub.batch_size && oldestAgeMs < flushMs) {
      return { kind: 'wait', delayMs: flushMs - oldestAgeMs };
    }
    // Replays travel in batches of their own, so a batch is either all replay or none.
    const replay = pending[0].replay;
    const cut = pending.findIndex((p) => p.replay !== replay);
    const members = cut === -1 ? pending : pending.slice(0, cut);
    const batchId = randomUUID();
    // Only deliveries still PENDING join (the sweeper may have just expired some), and the batch
    // counts the ones that did. The batch row, its members and its events: one statement.
    // The state test is spelled as "none of the other states" on purpose: written as
    // state = 'PENDING' it lets the planner pick the pending partial index (tiny in the stats,
    // huge under load) and filter it by id, instead of the primary key.
    const { rows: events } = await client.query({
      name: 'optline-batch-open',
      text: `WITH joined AS (
               UPDATE deliveries SET state = 'BATCHED', batch_id = $1, updated_at = now()
               WHERE id = ANY($6::bigint[]) AND state <> 'BATCHED' AND state <> 'EXPIRED' AND state <> 'SKIPPED' RETURNING id, event_id
             ),
             opened AS (
               INSERT INTO delivery_batches (id, org_id, subscription_id, state, replay, event_count, attempt_count, next_attempt_at, lease_until)
               SELECT $1, $2, $3, 'SENDING', $4, count(*), 1, now(), now() + make_interval(secs => $5::float / 1000) FROM joined
             )
             SELECT ${EVENT_COLUMNS} FROM joined j JOIN events e ON e.org_id = $2 AND e.id = j.event_id ORDER BY j.id`,
      values: [batchId, sub.org_id, sub.id, replay, leaseMs, members.map((p) => p.id)],
    });
    return { kind: 'send', batch: { ...toBatch(sub, batchId, replay, 1, 0), events } };
  }

  /**
   * The oldest pending deliveries, up to a batch, that the subscription still takes as it is now.
   * Those it no longer takes (a type removed, a campaign filter narrowed while they were held, or
   * while they waited) are recorded SKIPPED with the reason, never sent and never silently lost.
   * 'more' when a long run of them is left: the caller comes back, so other subscriptions get a turn.
   */
  private async pendingStillMatching(client: PoolClient, sub: Record<string, any>): Promise<PendingDelivery[] | 'more'> {
    const subscription = { id: sub.id, status: sub.status, eventTypes: sub.event_types, filters: sub.filters ?? [] };
    for (let round = 0; round < SKIP_ROUNDS_PER_STEP; round++) {
      const { rows: pending } = await client.query<PendingDelivery>({
        name: 'optline-batch-pending',
        text: `SELECT id, event_id, replay, (EXTRACT(EPOCH FROM now() - created_at) * 1000)::bigint AS age_ms
               FROM deliveries WHERE subscription_id = $1 AND state = 'PENDING' ORDER BY id LIMIT $2`,
        values: [sub.id, sub.batch_size],
      });
      if (pending.length === 0) return pending;
      // Apart from the query above on purpose: joined to events there, the planner's generic plan
      // gathered over parallel workers (20 ms a batch instead of 1).
      const { rows: events } = await client.query<{ id: string; type: string; campaign_name: string | null }>({
        name: 'optline-batch-pending-events',
        text: `SELECT x.id, e.type, e.campaign_name FROM unnest($1::bigint[], $2::uuid[]) AS x(id, event_id)
               JOIN events e ON e.org_id = $3 AND e.id = x.event_id`,
        values: [pending.map((p) => p.id), pending.map((p) => p.event_id), sub.org_id],
      });
      const skipped = events
        .map((e) => ({ id: e.id, reason: whyNotMatching(subscription, { type: e.type, campaignName: e.campaign_name }) }))
        .filter((e): e is { id: string; reason: string } => e.reason !== null);
      if (skipped.length === 0) return pending;
      await client.query({
        name: 'optline-batch-skip',
        text: `UPDATE deliveries d SET state = 'SKIPPED', skip_reason = x.reason, updated_at = now()
               FROM unnest($1::bigint[], $2::text[]) AS x(id, reason) WHERE d.id = x.id AND d.state = 'PENDING'`,
        values: [skipped.map((e) => e.id), skipped.map((e) => e.reason)],
      });
    }
    return 'more';
  }

  /** The batch's events in delivery order. */
  async eventsOf(batchId: string): Promise<Array<Record<string, any>>> {
    return this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM deliveries d JOIN events e ON e.org_id = d.org_id AND e.id = d.event_id WHERE d.batch_id = $1 ORDER BY d.id`,
      [batchId],
    );
  }

  /** 2xx: the batch, and so its deliveries, are delivered. False when the lease was lost meanwhile. */
  async recordDelivered(batch: BatchToSend, attempt: AttemptRecord): Promise<boolean> {
    return this.record(batch, attempt, null, `state = 'DELIVERED', delivered_at = now(), lease_until = NULL`);
  }

  /** A failure to retry: the batch keeps its place and waits `delayMs`. */
  async recordRetry(batch: BatchToSend, attempt: AttemptRecord, delayMs: number): Promise<void> {
    const nextAt = new Date(Date.now() + delayMs);
    await this.record(batch, attempt, nextAt, `next_attempt_at = $9, lease_until = NULL`);
  }

  /**
   * Giving up (410 Gone, or the schedule exhausted): the batch is failed, and the subscription is
   * PAUSED with the reason, so that later events are held for it rather than lost.
   */
  async recordFailed(batch: BatchToSend, attempt: AttemptRecord, reason: string): Promise<void> {
    await this.record(batch, attempt, null, `state = 'FAILED', failed_at = now(), failure_reason = $10, lease_until = NULL`, {
      reason,
      statusReason: `Paused by optline: batch ${batch.batchId} failed. ${reason}`,
    });
  }

  /**
   * Records an attempt and its outcome in ONE statement (atomic without a transaction block): only
   * while the caller still holds the lease, i.e. the batch is SENDING at the caller's attempt.
   */
  private async record(
    batch: BatchToSend,
    a: AttemptRecord,
    nextAt: Date | null,
    set: string,
    failure?: { reason: string; statusReason: string },
  ): Promise<boolean> {
    const params: unknown[] = [batch.batchId, batch.attempt, batch.orgId, a.url, a.status, a.durationMs, a.responseBody, a.error, nextAt];
    if (failure) params.push(failure.reason, failure.statusReason, batch.subscriptionId);
    try {
      return await this.recordOnce(set, params, Boolean(failure));
    } catch (error) {
      // Pausing a subscription can deadlock with a concurrent delete of it; once more decides.
      if ((error as { code?: string }).code !== '40P01') throw error;
      return this.recordOnce(set, params, Boolean(failure));
    }
  }

  private async recordOnce(set: string, params: unknown[], failure: boolean): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH held AS (
         SELECT id FROM delivery_batches WHERE id = $1 AND state = 'SENDING' AND attempt_count = $2 FOR UPDATE
       ), attempt AS (
         INSERT INTO delivery_attempts (org_id, batch_id, attempt_number, url, status_code, duration_ms, response_body, error, next_attempt_at)
         SELECT $3, id, $2, $4, $5, $6, $7, $8, $9::timestamptz FROM held
       ), outcome AS (
         UPDATE delivery_batches SET ${set} WHERE id IN (SELECT id FROM held) RETURNING id
       )${
         failure
           ? `, paused AS (
         UPDATE event_subscriptions SET status = 'PAUSED', status_reason = $11, updated_at = now()
         WHERE id = $12 AND EXISTS (SELECT 1 FROM held)
       )`
           : ''
       }
       SELECT count(*)::int AS n FROM outcome`,
      params,
    );
    return rows[0].n > 0;
  }

  /** Subscriptions with work due that may have lost their scheduled flush (a Redis flush or restart). */
  async subscriptionsNeedingFlush(flushMs: number): Promise<string[]> {
    const rows: Array<{ subscription_id: string }> = await this.dataSource.query(
      // One index probe per ACTIVE subscription (its oldest pending delivery), not a scan of
      // every pending row: under load there can be a hundred thousand of them. min(created_at)
      // reads it from the pending-by-age index; "ORDER BY id LIMIT 1" let the planner walk the
      // primary key instead, which for a subscription with nothing pending is every delivery.
      `SELECT s.id AS subscription_id FROM event_subscriptions s
       WHERE s.status = 'ACTIVE'
         AND (SELECT min(d.created_at) FROM deliveries d WHERE d.subscription_id = s.id AND d.state = 'PENDING')
             < now() - make_interval(secs => ($1::float + 1000) / 1000)
         -- A subscription with a batch waiting for its retry is the second query's business.
         AND NOT EXISTS (SELECT 1 FROM delivery_batches o WHERE o.subscription_id = s.id AND o.state = 'SENDING')
       UNION
       SELECT b.subscription_id FROM delivery_batches b JOIN event_subscriptions s ON s.id = b.subscription_id
       WHERE b.state = 'SENDING' AND s.status = 'ACTIVE' AND b.next_attempt_at < now() - interval '1 second'
         AND (b.lease_until IS NULL OR b.lease_until < now())`,
      [flushMs],
    );
    return rows.map((r) => r.subscription_id);
  }

  /**
   * Held deliveries older than the hold window are recorded as EXPIRED, never dropped silently: at
   * most `limit` per call, oldest first per PAUSED subscription (one index probe each), so a sweep
   * costs the same with a million held events as with none. One worker at a time: a second one
   * skips (null) rather than racing the first over the same rows.
   */
  async expireHeld(holdDays: number, limit: number): Promise<number | null> {
    return withRawClient(this.dataSource, async (client) => {
      await client.query('BEGIN');
      const [{ locked }] = (await client.query(`SELECT pg_try_advisory_xact_lock(hashtextextended('optline:expire-held', 0)) AS locked`)).rows;
      if (!locked) {
        await client.query('COMMIT');
        return null;
      }
      // The state test is spelled "none of the other states" for the reason given in decide().
      const { rowCount } = await client.query(
        `UPDATE deliveries d SET state = 'EXPIRED', updated_at = now()
         FROM event_subscriptions s
         WHERE d.id IN (
           SELECT old.id FROM event_subscriptions p
           CROSS JOIN LATERAL (
             SELECT id FROM deliveries WHERE subscription_id = p.id AND state = 'PENDING'
               AND created_at < now() - make_interval(days => $1)
             ORDER BY created_at LIMIT $2
           ) old
           WHERE p.status = 'PAUSED' LIMIT $2
         )
         AND s.id = d.subscription_id AND s.status = 'PAUSED' AND d.state <> 'BATCHED' AND d.state <> 'EXPIRED' AND d.state <> 'SKIPPED'`,
        [holdDays, limit],
      );
      await client.query('COMMIT');
      return rowCount ?? 0;
    });
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
    authPassword: sub.auth_password === null ? null : secretBox().open(sub.auth_password, 'auth_password'),
    secrets: [
      secretBox().open(sub.signing_secret, 'signing_secret'),
      ...(sub.previous_valid && sub.previous_signing_secret ? [secretBox().open(sub.previous_signing_secret, 'previous_signing_secret')] : []),
    ],
    replay,
    attempt,
    scheduleAttempt: attempt - offset,
  };
}
