import { QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { DeliveryGaugeState, WorkerMetrics } from './worker-metrics';

/** Fills the gauges (queue depths, deliveries by state) when /metrics is scraped. */
@Injectable()
export class QueueDepthCollector {
  constructor(
    @InjectQueue(QueueName.EVENTS) private readonly events: Queue,
    @InjectQueue(QueueName.DELIVERIES) private readonly deliveries: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: WorkerMetrics,
  ) {}

  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.all([this.collectQueues(), this.collectDeliveries()]).catch(() => undefined);
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }

  private async collectQueues(): Promise<void> {
    for (const queue of [this.events, this.deliveries]) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      for (const [state, n] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: queue.name, state }, n);
    }
  }

  private async collectDeliveries(): Promise<void> {
    const rows: Array<{ state: DeliveryGaugeState; n: number }> = await this.dataSource.query(
      `SELECT CASE WHEN s.status = 'PAUSED' THEN 'HELD' ELSE 'PENDING' END AS state, count(*)::int AS n
       FROM deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id
       WHERE d.state = 'PENDING' GROUP BY 1
       UNION ALL
       SELECT 'IN_FLIGHT', coalesce(sum(event_count), 0)::int FROM delivery_batches WHERE state = 'SENDING'`,
    );
    this.metrics.setDeliveriesByState(Object.fromEntries(rows.map((row) => [row.state, row.n])));
  }
}
