import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DeliveriesDomainModule, DomainModule } from '@app/domain';
import { QueuesModule } from '@app/queues';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loadConfig } from '@app/config';
import { DeliveryProcessor } from './delivery.processor';
import { EventsProcessor } from './events.processor';
import { FanOutRunner } from './fan-out.runner';
import { FlushScheduler } from './flush-scheduler';
import { OutboxSweeper } from './outbox.sweeper';
import { OutboxOnlyNotifierModule } from './outbox-only.notifier';
import { QueueDepthCollector } from './queue-depth.collector';
import { RetentionRunner } from './retention.runner';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WorkerHealth } from './worker-health';
import { WorkerMetrics } from './worker-metrics';

/** The worker: consumes the queues and delivers webhooks; never serves the public API. */
@Module({
  imports: [
    AppConfigModule,
    // JSON logs like the API's; the worker serves no routes, so no per-request middleware.
    LoggerModule.forRoot({ pinoHttp: { level: loadConfig().logLevel }, forRoutes: [] }),
    DatabaseModule,
    QueuesModule.forWorker(),
    DeliveriesDomainModule,
    // For the expiry of double opt-in requests (the sweeper's job).
    OutboxOnlyNotifierModule,
    DomainModule,
  ],
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
    RetentionRunner,
  ],
  exports: [WorkerHealth, WorkerMetrics, QueueDepthCollector],
})
export class WorkerModule {}
