import { APP_CONFIG, AppConfig } from '@app/config';
import { SubscriptionCache } from '@app/domain';
import { redisOptionsFromUrl, SUBSCRIPTIONS_CHANGED_CHANNEL } from '@app/queues';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';

/**
 * A queue job reaches one worker, but every worker caches subscriptions: the worker that handles
 * a change broadcasts it on Redis pub/sub, and each worker drops that org from its cache.
 */
@Injectable()
export class SubscriptionInvalidation implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SubscriptionInvalidation.name);
  private subscriber?: Redis;
  private publisher?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: SubscriptionCache,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = { ...redisOptionsFromUrl(this.config.redis.url), lazyConnect: false };
    this.subscriber = new Redis(options as never);
    this.publisher = new Redis({ ...options, maxRetriesPerRequest: 1 } as never);
    this.subscriber.on('message', (_channel, orgId: string) => this.cache.invalidate(orgId || undefined));
    // After a reconnect, the cache may have missed messages: start clean.
    this.subscriber.on('ready', () => this.cache.invalidate());
    await this.subscriber.subscribe(SUBSCRIPTIONS_CHANGED_CHANNEL);
  }

  async publish(orgId: string): Promise<void> {
    this.cache.invalidate(orgId);
    try {
      await this.publisher?.publish(SUBSCRIPTIONS_CHANGED_CHANNEL, orgId);
    } catch (error) {
      this.logger.warn(`Could not broadcast a subscription change: ${(error as Error).message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }
}
