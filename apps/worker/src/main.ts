import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startHealthServer } from './health-server';
import { WorkerHealth } from './worker-health';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  // An application context: the worker consumes queues and serves no public HTTP.
  const app = await NestFactory.createApplicationContext(WorkerModule);
  app.enableShutdownHooks();
  const server = await startHealthServer(app.get(WorkerHealth), config.workerPort);
  new Logger('Worker').log(`Worker ready; health on :${config.workerPort}`);
  const stop = async () => {
    server.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
