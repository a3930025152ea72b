import { APP_CONFIG, AppConfig } from '@app/config';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { EventPublisher } from './event-publisher';
import { QueueName } from './jobs';
import { QUEUE_ROLE, QueueConnection, QueueRole } from './queue-connection';

/** Provides the one QueueConnection of an application. */
@Module({})
class QueueConnectionModule {}

/**
 * BullMQ on the configured Redis (or Redis Cluster), with both queues registered under
 * QUEUE_PREFIX, connected as the application's role asks (see QueueConnection).
 *
 * The connection is closed here, in this module's shutdown hook. Nest runs those hooks from the
 * root module down and global modules last, so this one comes before the API's publisher (in a
 * global module) would flush what the last requests of the HTTP drain committed: it flushes them
 * here first, while the connection is open. (The worker closes its BullMQ workers itself before
 * closing the application.)
 */
@Module({})
export class QueuesModule implements OnApplicationShutdown {
  /** For the API, which only adds jobs. */
  static forProducer(): DynamicModule {
    return QUEUES_MODULES.producer;
  }

  /** For the worker, which consumes the queues (and adds flushes). */
  static forWorker(): DynamicModule {
    return QUEUES_MODULES.worker;
  }

  constructor(
    private readonly connection: QueueConnection,
    // The API's; absent in the worker.
    @Optional() private readonly publisher?: EventPublisher,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.flush();
    await this.connection.close();
  }
}

function queuesModule(role: QueueRole): DynamicModule {
  // One object, imported twice below: Nest makes it one module, so one QueueConnection.
  const connection: DynamicModule = {
    module: QueueConnectionModule,
    providers: [{ provide: QUEUE_ROLE, useValue: role }, QueueConnection],
    exports: [QueueConnection],
  };
  return {
    module: QueuesModule,
    imports: [
      connection,
      BullModule.forRootAsync({
        imports: [connection],
        inject: [APP_CONFIG, QueueConnection],
        useFactory: (config: AppConfig, queues: QueueConnection) => ({
          connection: queues.options,
          prefix: config.redis.queuePrefix,
          defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
        }),
      }),
      BullModule.registerQueue({ name: QueueName.EVENTS }, { name: QueueName.DELIVERIES }),
    ],
    exports: [BullModule],
  };
}

/** Built once per role, so that every import of a role's module is the same module. */
const QUEUES_MODULES: Record<QueueRole, DynamicModule> = { producer: queuesModule('producer'), worker: queuesModule('worker') };
