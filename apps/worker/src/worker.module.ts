import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DeliveriesDomainModule } from '@app/domain';
import { QueuesModule } from '@app/queues';
import { Module } from '@nestjs/common';
import { DeliveryProcessor } from './delivery.processor';
import { EventsProcessor } from './events.processor';
import { FanOutRunner } from './fan-out.runner';
import { FlushScheduler } from './flush-scheduler';
import { OutboxSweeper } from './outbox.sweeper';
import { QueueDepthCollector } from './queue-depth.collector';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WorkerHealth } from './worker-health';
import { WorkerMetrics } from './worker-metrics';

/** The worker: consumes the queues and delivers webhooks; never serves the public API. */
@Module({
  imports: [AppConfigModule, DatabaseModule, QueuesModule, DeliveriesDomainModule],
  providers: [
    WorkerHealth,
    WorkerMetrics,
    QueueDepthCollector,
    FlushScheduler,
    FanOutRunner,
    WebhookDeliveryService,
    EventsProcessor,
    DeliveryProcessor,
    OutboxSweeper,
  ],
  exports: [WorkerHealth, WorkerMetrics, QueueDepthCollector],
})
export class WorkerModule {}
