export * from './jobs';
export { createRedisClient, redisOptionsFromUrl } from './redis-connection';
export { QueuesModule } from './queues.module';
export { EventPublisher } from './event-publisher';
export { assertHandlers } from './job-handlers';
export { QueueConnection } from './queue-connection';
