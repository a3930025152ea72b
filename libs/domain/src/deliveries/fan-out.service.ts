import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventFilter, SubscriptionStatus } from '../callbacks/event-subscription.entity';
import { MatchableSubscription, subscriptionMatches, withoutTakenTypes } from '../callbacks/subscription-matcher';
import { ORG_SLOT_SQL, slotsOf } from './fan-out-partitions';

/**
 * The advisory-lock class of fan-out's slot locks (the second key is the slot). A pass holds the
 * locks of every slot it reads until it commits, so two passes never read the same org's events.
 */
const FAN_OUT_LOCK = 7_401_222;
const CACHE_MAX_AGE_MS = 60_000;

/*
 * Per-subscription order. A subscription's deliveries go out in delivery id order, so what must
 * hold is: the deliveries of one subscription are created in increasing id order and become
 * visible in that order. A subscription belongs to one org and an org to one slot, so:
 * - within a pass, deliveries are inserted in event seq order (ORDER BY x.n), with ids from one
 *   sequence, so increasing;
 * - passes over the same slot never overlap: each holds the slot's transaction-level lock from
 *   before its read until after its commit became visible (Postgres releases locks after the
 *   commit is visible), so the next pass over that slot sees the last one's deliveries and
 *   fanned_out_at, and draws its delivery ids after the last one's.
 * Events committed out of seq order (seq 11 commits before seq 10): a pass that sees only 11
 * fans it out; 10 goes in a later pass, with later delivery ids. Exactly as under the former
 * global lock, the order is the order in which events became visible to fan-out, which is seq
 * order for one customer (its writes serialise on the customer row) and commit order across
 * customers. Other slots' passes run at the same time and interleave delivery ids with this
 * one's, which no subscription can observe, since none spans two orgs.
 * The locks are per slot, not per partition, so workers configured with different
 * FAN_OUT_PARTITIONS (a rolling change) still never fan out one org at once.
 */

export interface FanOutResult {
  events: number;
  deliveries: number;
  /** Subscriptions that received new deliveries, with their org. */
  subscriptions: Array<{ id: string; orgId: string }>;
}

@Injectable()
export class FanOutService {
  private readonly cache = new Map<string, { version: string; loadedAt: number; subscriptions: MatchableSubscription[] }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` of partition `partition`'s (of `partitions`) events not yet fanned out,
   * records one delivery per matching subscription and marks the events fanned out, in one
   * transaction. Answers null, at once, when another pass holds one of the partition's slots:
   * the caller moves on rather than waits. Running it twice matches nothing twice: the second
   * pass sees the events as fanned out, and the unique index refuses a duplicate.
   *
   * Matching costs no query per event: the orgs' subscriptions are cached, and each pass reads
   * their `subscriptions_version` (bumped by a trigger on every subscription change, in the
   * changing transaction) to reload only the orgs whose subscriptions moved. An earlier cache
   * invalidated over Redis pub/sub could miss a new subscription when a message came late; a
   * version read in the pass's own transaction cannot.
   */
  async fanOutPartition(partition: number, partitions: number, limit = 2000): Promise<FanOutResult | null> {
    try {
      return await this.pass(slotsOf(partition, partitions), limit);
    } catch (error) {
      // A subscription deleted while the pass inserted its deliveries: run the pass again.
      if ((error as { code?: string }).code === '23503') return this.pass(slotsOf(partition, partitions), limit);
      throw error;
    }
  }

  /** The newest event seq committed so far: every event a request committed before now is at or below it. */
  async newestSeq(): Promise<string> {
    const [row]: Array<{ seq: string | null }> = await this.dataSource.query('SELECT max(seq)::text AS seq FROM events');
    return row.seq ?? '0';
  }

  /**
   * The partitions (of `partitions`; only those in `among` when given) holding events not yet
   * fanned out with seq up to `upToSeq`: one index probe per slot.
   */
  async partitionsWithWork(partitions: number, upToSeq: string, among?: number[]): Promise<number[]> {
    const slots = (among ?? [...Array(partitions).keys()]).flatMap((p) => slotsOf(p, partitions));
    const rows: Array<{ slot: number }> = await this.dataSource.query(
      // A lateral LIMIT 1 rather than EXISTS: EXISTS plans as a hash join over the whole backlog.
      `SELECT s.slot FROM unnest($2::int[]) AS s(slot)
       CROSS JOIN LATERAL (
         SELECT 1 FROM events WHERE ${ORG_SLOT_SQL} = s.slot AND fanned_out_at IS NULL AND seq <= $1::bigint
         ORDER BY seq LIMIT 1
       ) e`,
      [upToSeq, slots],
    );
    return [...new Set(rows.map((r) => r.slot % partitions))].sort((a, b) => a - b);
  }

  private pass(slots: number[], limit: number): Promise<FanOutResult | null> {
    return this.dataSource.transaction(async (manager) => {
      const [lock]: Array<{ taken: boolean }> = await manager.query(
        'SELECT bool_and(pg_try_advisory_xact_lock($1, slot)) AS taken FROM unnest($2::int[]) AS slot',
        [FAN_OUT_LOCK, slots],
      );
      // Another worker is on (part of) this partition; the locks taken so far go with this transaction.
      if (!lock.taken) return null;
      // Each slot's unfanned events are one index range in seq order (events_unfanned_by_slot);
      // taking the first `limit` by seq over them takes a seq-ordered prefix of every slot.
      const events: Array<{ id: string; seq: string; org_id: string; type: string; campaign_name: string | null }> =
        await manager.query(
          `SELECT e.id, e.seq, e.org_id, e.type, e.campaign_name
           FROM unnest($1::int[]) AS s(slot)
           CROSS JOIN LATERAL (
             SELECT id, seq, org_id, type, campaign_name FROM events
             WHERE ${ORG_SLOT_SQL} = s.slot AND fanned_out_at IS NULL
             ORDER BY seq LIMIT $2
           ) e
           ORDER BY e.seq LIMIT $2`,
          [slots, limit],
        );
      if (events.length === 0) return { events: 0, deliveries: 0, subscriptions: [] };

      const subscriptionsByOrg = await this.subscriptionsOf(manager, [...new Set(events.map((e) => e.org_id))]);
      const orgIds: string[] = [];
      const subscriptionIds: string[] = [];
      const eventIds: string[] = [];
      const touched = new Map<string, string>();
      for (const event of events) {
        for (const subscription of subscriptionsByOrg.get(event.org_id) ?? []) {
          if (!subscriptionMatches(subscription, { type: event.type, campaignName: event.campaign_name })) continue;
          orgIds.push(event.org_id);
          subscriptionIds.push(subscription.id);
          eventIds.push(event.id);
          touched.set(subscription.id, event.org_id);
        }
      }
      let inserted = 0;
      if (eventIds.length > 0) {
        // A subscription deleted since the cache was filled is skipped, not an error.
        const result: unknown[] = await manager.query(
          `INSERT INTO deliveries (org_id, subscription_id, event_id)
           SELECT x.org_id, x.subscription_id, x.event_id
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS x(org_id, subscription_id, event_id, n)
           WHERE EXISTS (SELECT 1 FROM event_subscriptions s WHERE s.id = x.subscription_id)
           ORDER BY x.n
           ON CONFLICT (subscription_id, event_id) WHERE NOT replay DO NOTHING
           RETURNING id`,
          [orgIds, subscriptionIds, eventIds],
        );
        inserted = result.length;
      }
      // By seq: an id is unique only within its org.
      await manager.query('UPDATE events SET fanned_out_at = now() WHERE seq = ANY($1::bigint[])', [events.map((e) => e.seq)]);
      return {
        events: events.length,
        deliveries: inserted,
        subscriptions: [...touched].map(([id, orgId]) => ({ id, orgId })),
      };
    });
  }

  /** The orgs' subscriptions, ACTIVE and PAUSED alike (PAUSED holds, it does not drop), from the cache when current. */
  private async subscriptionsOf(manager: EntityManager, orgIds: string[]): Promise<Map<string, MatchableSubscription[]>> {
    const versions: Array<{ id: string; v: string }> = await manager.query(
      'SELECT id, subscriptions_version::text AS v FROM orgs WHERE id = ANY($1::uuid[])',
      [orgIds],
    );
    // A minute at most, even when the version did not move: a restored backup or a load with
    // triggers off could bring an old number back with other subscriptions behind it.
    const now = Date.now();
    const stale = versions.filter((o) => {
      const cached = this.cache.get(o.id);
      return !cached || cached.version !== o.v || now - cached.loadedAt > CACHE_MAX_AGE_MS;
    });
    if (stale.length > 0) {
      const rows: Array<{ id: string; org_id: string; status: SubscriptionStatus; event_types: string[]; filters: EventFilter[] }> =
        await manager.query(
          'SELECT id, org_id, status, event_types, filters FROM event_subscriptions WHERE org_id = ANY($1::uuid[])',
          [stale.map((o) => o.id)],
        );
      for (const org of stale) {
        const subscriptions = rows
          .filter((r) => r.org_id === org.id)
          .map((r) => ({ id: r.id, status: r.status, eventTypes: r.event_types, filters: r.filters ?? [] }));
        this.cache.set(org.id, { version: org.v, loadedAt: now, subscriptions: withoutTakenTypes(subscriptions) });
      }
    }
    return new Map(orgIds.map((id) => [id, this.cache.get(id)?.subscriptions ?? []]));
  }

  /** Is anything left unfanned for longer than `olderThanMs`? (The sweeper's question.) */
  async hasStaleUnfanned(olderThanMs: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM events WHERE fanned_out_at IS NULL AND created_at < now() - make_interval(secs => $1::float / 1000) LIMIT 1`,
      [olderThanMs],
    );
    return rows.length > 0;
  }
}
