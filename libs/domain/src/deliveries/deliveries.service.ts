import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventSubscription } from '../callbacks/event-subscription.entity';
import { conflict, ErrorCodes, invalid, notFound } from '../common/domain-error';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { BATCH_LOCK_SQL } from './batches.service';
import { BatchState, DeliveryBatch } from './delivery-batch.entity';

export interface BatchWithAttempts extends DeliveryBatch {
  attempts: DeliveryAttempt[];
}

export interface DeliveryCounts {
  pending: number;
  held: number;
  inFlight: number;
  delivered: number;
  failed: number;
  expired: number;
  /** Never sent: the subscription no longer took them when their turn came (see skip_reason). */
  skipped: number;
}

/** The operator's view of deliveries: batches and attempts, counts, redelivery and replay. */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async subscriptionByName(orgId: string, name: string): Promise<EventSubscription> {
    const subscription = await this.dataSource.getRepository(EventSubscription).findOneBy({ orgId, name });
    if (!subscription) throw notFound(ErrorCodes.SUBSCRIPTION_NOT_FOUND, `Subscription ${name} not found`);
    return subscription;
  }

  async listBatches(
    orgId: string,
    subscriptionName: string,
    query: { state?: BatchState; limit: number; offset: number },
  ): Promise<{ total: number; batches: BatchWithAttempts[] }> {
    const subscription = await this.subscriptionByName(orgId, subscriptionName);
    const [batches, total] = await this.dataSource.getRepository(DeliveryBatch).findAndCount({
      where: { orgId, subscriptionId: subscription.id, ...(query.state ? { state: query.state } : {}) },
      order: { createdAt: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    const attempts = batches.length
      ? await this.dataSource
          .getRepository(DeliveryAttempt)
          .createQueryBuilder('a')
          .where('a.batch_id IN (:...ids)', { ids: batches.map((b) => b.id) })
          .orderBy('a.attempt_number', 'ASC')
          .addOrderBy('a.id', 'ASC')
          .getMany()
      : [];
    return { total, batches: batches.map((b) => Object.assign(b, { attempts: attempts.filter((a) => a.batchId === b.id) })) };
  }

  async counts(orgId: string, subscriptionName: string): Promise<DeliveryCounts> {
    const subscription = await this.subscriptionByName(orgId, subscriptionName);
    // Waiting, expired and skipped deliveries are counted on deliveries; the rest by their batch's state.
    const rows: Array<{ state: string; n: number }> = await this.dataSource.query(
      `SELECT state, count(*)::int AS n FROM deliveries
       WHERE subscription_id = $1 AND state IN ('PENDING', 'EXPIRED', 'SKIPPED') GROUP BY state
       UNION ALL
       SELECT state, sum(event_count)::int FROM delivery_batches WHERE subscription_id = $1 GROUP BY state`,
      [subscription.id],
    );
    const n = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    const paused = subscription.status === 'PAUSED';
    return {
      pending: paused ? 0 : n('PENDING'),
      held: paused ? n('PENDING') : 0,
      inFlight: n('SENDING'),
      delivered: n('DELIVERED'),
      failed: n('FAILED'),
      expired: n('EXPIRED'),
      skipped: n('SKIPPED'),
    };
  }

  /**
   * Puts a failed batch back in line with the same id and events. It goes out next, ahead of any
   * held events, once the subscription is ACTIVE (a failure paused it; resuming releases both).
   * When a batch opened after it was delivered meanwhile, its events would arrive after newer
   * ones: refused, unless the caller says `outOfOrder`, and then the webhook carries the mark.
   */
  async redeliver(orgId: string, batchId: string, options: { outOfOrder?: boolean } = {}): Promise<{ subscriptionId: string }> {
    return this.dataSource.transaction(async (m) => {
      const [batch] = await m.query('SELECT id, subscription_id, state, created_at FROM delivery_batches WHERE id = $1 AND org_id = $2 FOR UPDATE', [
        batchId,
        orgId,
      ]);
      if (!batch) throw notFound(ErrorCodes.BATCH_NOT_FOUND, `Batch ${batchId} not found`);
      // The lock the worker takes to open a batch: no new batch can appear while we reopen this one.
      await m.query(BATCH_LOCK_SQL, [batch.subscription_id]);
      if (batch.state !== BatchState.FAILED) {
        throw conflict(ErrorCodes.BATCH_NOT_FAILED, `Batch ${batchId} is ${batch.state}; only a FAILED batch can be redelivered`);
      }
      const [open] = await m.query(`SELECT id FROM delivery_batches WHERE subscription_id = $1 AND state = 'SENDING'`, [
        batch.subscription_id,
      ]);
      if (open) throw conflict(ErrorCodes.BATCH_IN_FLIGHT, `Batch ${open.id} of this subscription is still being sent; retry when it is done`);
      const newer = await this.newerDeliveredBatch(m, batch);
      if (newer && !options.outOfOrder) {
        throw conflict(
          ErrorCodes.BATCH_OUT_OF_ORDER,
          `Batch ${newer} of this subscription, opened after batch ${batchId}, is already delivered: redelivered now, its events ` +
            'would arrive after newer ones. Send {"outOfOrder": true} to redeliver it anyway, marked "outOfOrder": true in the webhook',
          { newerBatchId: newer },
        );
      }
      await m.query(
        `UPDATE delivery_batches SET state = 'SENDING', attempt_offset = attempt_count, next_attempt_at = now(), lease_until = NULL,
                failed_at = NULL, failure_reason = NULL, out_of_order = $2 WHERE id = $1`,
        [batchId, newer !== null],
      );
      return { subscriptionId: batch.subscription_id };
    });
  }

  /**
   * A delivered batch of the subscription that was opened after this one, if any. Batches take
   * pending deliveries in id order, so "opened after" is "holds a higher delivery id"; one opened
   * after this one can only have been delivered after this one was created, which keeps the scan
   * to the subscription's recent batches.
   */
  private async newerDeliveredBatch(m: EntityManager, batch: { id: string; subscription_id: string; created_at: Date }): Promise<string | null> {
    const [newer] = await m.query(
      `SELECT b.id FROM delivery_batches b
       WHERE b.subscription_id = $1 AND b.state = 'DELIVERED' AND b.delivered_at > $3 AND b.id <> $2
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.batch_id = b.id
                     AND d.id > (SELECT max(id) FROM deliveries WHERE batch_id = $2))
       ORDER BY b.created_at LIMIT 1`,
      [batch.subscription_id, batch.id, batch.created_at],
    );
    return newer?.id ?? null;
  }

  /** Events already delivered since `since`, queued again as new deliveries marked as replays. */
  async replay(orgId: string, subscriptionName: string, since: Date): Promise<{ subscriptionId: string; replayed: number }> {
    // Older events may already be deleted: a partial replay would pass for a complete one.
    const keptSince = new Date(Date.now() - this.config.retention.retentionDays * 86_400_000);
    if (since < keptSince) {
      throw invalid(ErrorCodes.REPLAY_BEYOND_RETENTION, `since must be within the last ${this.config.retention.retentionDays} days (RETENTION_DAYS)`, {
        keptSince: keptSince.toISOString(),
      });
    }
    const subscription = await this.subscriptionByName(orgId, subscriptionName);
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO deliveries (org_id, subscription_id, event_id, replay)
       SELECT d.org_id, d.subscription_id, d.event_id, true
       FROM deliveries d JOIN delivery_batches b ON b.id = d.batch_id JOIN events e ON e.org_id = d.org_id AND e.id = d.event_id
       WHERE d.subscription_id = $1 AND b.state = 'DELIVERED' AND NOT d.replay AND e.occurred_at >= $2
       ORDER BY d.id
       RETURNING id`,
      [subscription.id, since],
    );
    return { subscriptionId: subscription.id, replayed: rows.length };
  }
}
