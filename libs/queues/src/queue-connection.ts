import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import Redis, { Cluster } from 'ioredis';
import { createRedisClient, redisOptionsFromUrl } from './redis-connection';

/** Which side of the queues an application is: the API only adds jobs, the worker consumes them. */
export type QueueRole = 'producer' | 'worker';
export const QUEUE_ROLE = Symbol('QUEUE_ROLE');

/** How long closing may wait for Redis to take the last commands before the client is dropped. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * What BullMQ connects with.
 *
 * - A producer (the API) shares one client between its queues. On a single Redis it refuses
 *   commands while Redis is away (`enableOfflineQueue: false`, as BullMQ advises producers): a
 *   publish fails at once, Postgres keeps the event for the sweeper, and nothing waits for Redis
 *   to come back, neither a request nor the shutdown.
 * - A worker on a single Redis passes options, and every queue and worker opens and closes
 *   connections of its own; they retry forever (`maxRetriesPerRequest: null`), as BullMQ's
 *   blocking connections must.
 * - On a cluster BullMQ only takes a client instance.
 *
 * BullMQ never closes a client it was given: this closes it, once the queues are closed.
 */
@Injectable()
export class QueueConnection {
  readonly options: ConnectionOptions;
  private readonly client?: Redis | Cluster;
  private readonly logger = new Logger(QueueConnection.name);

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(QUEUE_ROLE) role: QueueRole) {
    if (config.redis.clusterNodes) {
      // BullMQ workers block on Redis; they must retry forever rather than throw.
      this.client = createRedisClient(config.redis, { maxRetriesPerRequest: null });
    } else if (role === 'producer') {
      this.client = createRedisClient(config.redis, { enableOfflineQueue: false });
    }
    this.options = this.client ?? redisOptionsFromUrl(config.redis.url);
  }

  /**
   * Quits politely when Redis answers; otherwise (Redis lost: the quit is refused or never
   * answered) drops the connection, so that it stops reconnecting and the process can exit.
   */
  async close(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.quit(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${QUIT_TIMEOUT_MS} ms`)), QUIT_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn(`Redis did not take the quit (${(error as Error).message}); dropping the queue connection`);
      client.disconnect();
    } finally {
      clearTimeout(timer);
    }
  }
}
