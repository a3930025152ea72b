import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { createRedisClient, redisOptionsFromUrl } from './redis-connection';

/**
 * What BullMQ connects with. On a single Redis: options, and every queue and worker opens and
 * closes connections of its own. On a cluster BullMQ only takes a client instance, which it shares
 * and never closes: this holds that one Cluster client and closes it once the queues are closed.
 */
@Injectable()
export class QueueConnection {
  readonly options: ConnectionOptions;
  private readonly cluster?: Cluster;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.redis.clusterNodes) {
      // BullMQ workers block on Redis; they must retry forever rather than throw.
      this.cluster = createRedisClient(config.redis, { maxRetriesPerRequest: null }) as Cluster;
      this.options = this.cluster;
    } else {
      this.options = redisOptionsFromUrl(config.redis.url);
    }
  }

  async close(): Promise<void> {
    await this.cluster?.quit().catch(() => this.cluster?.disconnect());
  }
}
