import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/** The API's Prometheus metrics, served at /metrics without a key. */
@Injectable()
export class ApiMetrics {
  readonly registry = new Registry();
  readonly eventsAccepted = new Counter({
    name: 'optline_events_accepted_total',
    help: 'Events committed to the outbox by the API (consent changes and ingested events)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'optline_api_' });
  }
}
