import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventFilter, SubscriptionStatus } from '../callbacks/event-subscription.entity';
import { MatchableSubscription } from '../callbacks/subscription-matcher';

/**
 * How long an org's subscriptions are trusted without an invalidation. Invalidations arrive within
 * milliseconds (the API tells the worker on every change); this bound only covers a lost message.
 */
const TTL_MS = 30_000;

/** Each org's event subscriptions, so fan-out costs one query per org per TTL, not one per event. */
@Injectable()
export class SubscriptionCache {
  private readonly byOrg = new Map<string, { subscriptions: MatchableSubscription[]; until: number }>();

  async forOrgs(orgIds: string[], manager: EntityManager): Promise<Map<string, MatchableSubscription[]>> {
    const now = Date.now();
    const missing = orgIds.filter((id) => (this.byOrg.get(id)?.until ?? 0) <= now);
    if (missing.length > 0) {
      const rows: Array<{ id: string; org_id: string; status: SubscriptionStatus; event_types: string[]; filters: EventFilter[] }> =
        await manager.query('SELECT id, org_id, status, event_types, filters FROM event_subscriptions WHERE org_id = ANY($1::uuid[])', [
          missing,
        ]);
      for (const orgId of missing) this.byOrg.set(orgId, { subscriptions: [], until: now + TTL_MS });
      for (const row of rows) {
        this.byOrg.get(row.org_id)?.subscriptions.push({
          id: row.id,
          status: row.status,
          eventTypes: row.event_types,
          filters: row.filters ?? [],
        });
      }
    }
    return new Map(orgIds.map((id) => [id, this.byOrg.get(id)?.subscriptions ?? []]));
  }

  /** Drops one org's entry, or everything. */
  invalidate(orgId?: string): void {
    if (orgId) this.byOrg.delete(orgId);
    else this.byOrg.clear();
  }
}
