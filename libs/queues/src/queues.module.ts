import { APP_CONFIG, AppConfig } from '@app/config';
import { BullModule } from '@nestjs/bullmq';
import { Module, OnApplicationShutdown } from '@nestjs/common';
import { QueueName } from './jobs';
import { QueueConnection } from './queue-connection';

/** Provides the one QueueConnection of an application. */
@Module({ providers: [QueueConnection], exports: [QueueConnection] })
class QueueConnectionModule {}

/**
 * BullMQ on the configured Redis (or Redis Cluster), with both queues registered under
 * QUEUE_PREFIX.
 *
 * The shared cluster client is closed here, in this module's shutdown hook: Nest shuts modules
 * down deepest first, so the queues and workers BullMQ's modules (imported below) hold are
 * closed by then.
 */
@Module({
  imports: [
    QueueConnectionModule,
    BullModule.forRootAsync({
      imports: [QueueConnectionModule],
      inject: [APP_CONFIG, QueueConnection],
      useFactory: (config: AppConfig, connection: QueueConnection) => ({
        connection: connection.options,
        prefix: config.redis.queuePrefix,
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
      }),
    }),
    BullModule.registerQueue({ name: QueueName.EVENTS }, { name: QueueName.DELIVERIES }),
  ],
  exports: [BullModule],
})
export class QueuesModule implements OnApplicationShutdown {
  constructor(private readonly connection: QueueConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
