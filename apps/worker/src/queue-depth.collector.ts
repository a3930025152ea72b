import { QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { readDeliveryGauges } from './delivery-gauges';
import { WorkerMetrics } from './worker-metrics';

/**
 * Fills the gauges (queue depths, deliveries by state) when /metrics is scraped. Both reads cost
 * the same with any backlog: BullMQ's counts are sizes of Redis lists and sets, and the delivery
 * counts stop at a cap (delivery-gauges.ts).
 */
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
    this.metrics.setDeliveriesByState(await readDeliveryGauges(this.dataSource));
  }
}
