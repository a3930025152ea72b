import { QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { FastifyReply } from 'fastify';
import { Gauge } from 'prom-client';
import { Public } from '../auth/auth.decorators';
import { ApiMetrics } from './api-metrics';

@ApiTags('Health')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly queueDepth: Gauge<'queue' | 'state'>;

  constructor(
    private readonly metrics: ApiMetrics,
    @InjectQueue(QueueName.EVENTS) private readonly events: Queue,
    @InjectQueue(QueueName.DELIVERIES) private readonly deliveries: Queue,
  ) {
    this.queueDepth = new Gauge({
      name: 'optline_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
    });
  }

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics of the API process (no key)' })
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    for (const queue of [this.events, this.deliveries]) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({}));
      for (const [state, n] of Object.entries(counts)) this.queueDepth.set({ queue: queue.name, state }, n as number);
    }
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
