import { APP_CONFIG, AppConfig } from '@app/config';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from './jobs';
import { redisOptionsFromUrl } from './redis-connection';

/** BullMQ on the configured Redis, with both queues registered. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptionsFromUrl(config.redis.url),
        prefix: 'optline',
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
      }),
    }),
    BullModule.registerQueue({ name: QueueName.EVENTS }, { name: QueueName.DELIVERIES }),
  ],
  exports: [BullModule],
})
export class QueuesModule {}
