import { DataSource } from 'typeorm';
import type { DeliveryGaugeState } from './worker-metrics';

/** Counts stop here: a gauge at the cap reads "this many or more". */
export const DELIVERY_GAUGE_CAP = 10_000;

/**
 * Pending deliveries of the subscriptions that match `statusFilter`, counted up to the cap: one
 * probe of the pending-by-age index per subscription, each stopping at the cap, and the whole
 * stopping once the cap is reached. A scrape then reads at most the cap's worth of index entries,
 * whether the backlog holds ten rows or ten million.
 *
 * The ORDER BY is what keeps it on that index: without it, when one subscription holds most of
 * the table, the planner takes every subscription for as full and walks the table (or its primary
 * key) from the start, through the whole of it for a subscription with nothing pending (4.4 s a
 * scrape at 1,000,000 held).
 */
const cappedPending = (statusFilter: string) => `
  (SELECT count(*) FROM (
     SELECT 1 FROM event_subscriptions s
     CROSS JOIN LATERAL (
       SELECT 1 FROM deliveries d WHERE d.subscription_id = s.id AND d.state = 'PENDING' ORDER BY d.created_at LIMIT $1
     ) d
     WHERE ${statusFilter} LIMIT $1) capped)::int`;

/**
 * Deliveries by state, as the worker's `optline_deliveries{state}` gauges report them: PENDING and
 * HELD (pending for a PAUSED subscription) up to DELIVERY_GAUGE_CAP, IN_FLIGHT exactly (at most
 * one sending batch per subscription, found by its unique index). The exact size of one
 * subscription's backlog is in its stats (`GET /v1/subscriptions/{name}/stats`).
 */
export async function readDeliveryGauges(dataSource: DataSource): Promise<Record<DeliveryGaugeState, number>> {
  const [counts] = await dataSource.query(
    `SELECT ${cappedPending(`s.status <> 'PAUSED'`)} AS "PENDING",
            ${cappedPending(`s.status = 'PAUSED'`)} AS "HELD",
            (SELECT coalesce(sum(event_count), 0) FROM delivery_batches WHERE state = 'SENDING')::int AS "IN_FLIGHT"`,
    [DELIVERY_GAUGE_CAP],
  );
  return counts;
}
