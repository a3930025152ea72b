import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventFilter, SubscriptionStatus } from '../callbacks/event-subscription.entity';
import { MatchableSubscription, subscriptionMatches, withoutTakenTypes } from '../callbacks/subscription-matcher';

/**
 * Fan-out runs one pass at a time across every worker (this advisory lock), so deliveries are
 * numbered in the order events were committed, and per-subscription order follows from it.
 */
const FAN_OUT_LOCK = 7_401_222;
const CACHE_MAX_AGE_MS = 60_000;

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
   * Claims up to `limit` events not yet fanned out, records one delivery per matching subscription
   * and marks the events fanned out, in one transaction. Running it twice matches nothing twice:
   * the second pass sees the events as fanned out, and the unique index refuses a duplicate.
   *
   * Matching costs no query per event: the orgs' subscriptions are cached, and each pass reads
   * their `subscriptions_version` (bumped by a trigger on every subscription change, in the
   * changing transaction) to reload only the orgs whose subscriptions moved. An earlier cache
   * invalidated over Redis pub/sub could miss a new subscription when a message came late; a
   * version read in the pass's own transaction cannot.
   */
  async fanOutOnce(limit = 2000): Promise<FanOutResult> {
    try {
      return await this.pass(limit);
    } catch (error) {
      // A subscription deleted while the pass inserted its deliveries: run the pass again.
      if ((error as { code?: string }).code === '23503') return this.pass(limit);
      throw error;
    }
  }

  private pass(limit: number): Promise<FanOutResult> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FAN_OUT_LOCK]);
      const events: Array<{ id: string; seq: string; org_id: string; type: string; campaign_name: string | null }> =
        await manager.query(
          `SELECT id, seq, org_id, type, campaign_name FROM events
           WHERE fanned_out_at IS NULL ORDER BY seq LIMIT $1`,
          [limit],
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
