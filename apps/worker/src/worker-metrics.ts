import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DELIVERY_GAUGE_CAP } from './delivery-gauges';

export const ATTEMPT_OUTCOMES = ['delivered', 'retry', 'failed'] as const;
export const DELIVERY_GAUGE_STATES = ['PENDING', 'HELD', 'IN_FLIGHT'] as const;
export type DeliveryGaugeState = (typeof DELIVERY_GAUGE_STATES)[number];

/** The worker's Prometheus metrics, served on WORKER_PORT at /metrics. */
@Injectable()
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly eventsFannedOut = new Counter({
    name: 'optline_events_fanned_out_total',
    help: 'Outbox events fanned out to subscriptions',
    registers: [this.registry],
  });
  readonly deliveriesCreated = new Counter({
    name: 'optline_deliveries_created_total',
    help: 'Deliveries recorded (one per event per matching subscription)',
    registers: [this.registry],
  });
  readonly eventsDelivered = new Counter({
    name: 'optline_events_delivered_total',
    help: 'Events in batches the consumer acknowledged with a 2xx',
    registers: [this.registry],
  });
  readonly attempts = new Counter({
    name: 'optline_webhook_attempts_total',
    help: 'Webhook attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'optline_delivery_latency_seconds',
    help: 'From an event occurredAt to the 2xx that acknowledged it',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });
  readonly deliveriesByState = new Gauge({
    name: 'optline_deliveries',
    help: `Deliveries by state (held = pending for a PAUSED subscription); PENDING and HELD are counted up to ${DELIVERY_GAUGE_CAP}, which reads "${DELIVERY_GAUGE_CAP} or more"`,
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'optline_queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'optline_worker_' });
    // Every series exists from the start at 0: a rate() over a series that appears only at its
    // first increment misses that increment, and a grep on a fresh stack would print nothing.
    for (const outcome of ATTEMPT_OUTCOMES) this.attempts.inc({ outcome }, 0);
    this.setDeliveriesByState({});
  }

  /** Sets every state's gauge, 0 for a state with no deliveries (a missing series is not a 0). */
  setDeliveriesByState(counts: Partial<Record<DeliveryGaugeState, number>>): void {
    for (const state of DELIVERY_GAUGE_STATES) this.deliveriesByState.set({ state }, counts[state] ?? 0);
  }
}
