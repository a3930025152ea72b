import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NestFactory } from '@nestjs/core';
import { DeliveryProcessor } from './delivery.processor';
import { EventsProcessor } from './events.processor';
import { startHealthServer } from './health-server';
import { QueueDepthCollector } from './queue-depth.collector';
import { WorkerHealth } from './worker-health';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  // An application context: the worker consumes queues and serves no public HTTP.
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const collector = app.get(QueueDepthCollector);
  const server = await startHealthServer(app.get(WorkerHealth), config.workerPort, () => collector.render());
  const logger = new Logger('Worker');
  logger.log(`Worker ready; health and metrics on :${config.workerPort}`);

  // SIGTERM: stop taking jobs, let the batches in flight finish (BullMQ waits for active jobs), exit.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing the batches in flight`);
    const deliveries = app.get(DeliveryProcessor);
    deliveries.stopAfterCurrentBatch();
    // Close the queue workers first: BullMQ waits for their active jobs, while the database and
    // the HTTP client are still open for them to finish and record the outcome.
    await Promise.all([deliveries.worker.close(), app.get(EventsProcessor).worker.close()]);
    server.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
