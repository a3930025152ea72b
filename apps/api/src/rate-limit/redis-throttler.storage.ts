import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis, { Cluster } from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { createRedisClient } from '@app/queues';

/**
 * One fixed window and one block per key, in a single round trip. Counted in Redis, so every API
 * replica spends from the same budget; a hit past the limit starts the block (when there is one),
 * and hits during a block are not counted, so a blocked client cannot push its block further out.
 * Returns [hits in this window, ms until the window ends, ms until the block ends (<= 0: none)].
 */
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {tonumber(ARGV[2]) + 1, blocked, blocked} end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) and tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, tonumber(ARGV[3])}
end
return {hits, ttl, 0}
`;

/**
 * A key's two counters in one hash tag, so that on a Redis Cluster both sit in one slot (a script
 * may only touch keys of one slot), while different keys spread over the cluster.
 */
const keysOf = (throttlerName: string, key: string) => {
  const base = `ratelimit:{${throttlerName}:${key}}`;
  return { hits: `${base}:hits`, block: `${base}:block` };
};

/** The script as a command: sent once, then run by its SHA (EVALSHA), not resent with every request. */
type WithIncrement = (Redis | Cluster) & {
  rateLimitIncrement(hits: string, block: string, ttl: number, limit: number, blockDuration: number): Promise<number[]>;
};

/** @nestjs/throttler's storage, kept in Redis (REDIS_URL or the cluster) and shared by every API replica. */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly redis: WithIncrement;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Its own connection: a slow BullMQ command must not queue ahead of every request's count.
    // Auto-pipelining sends the counts of the requests of one event-loop turn in one write, as the
    // consent statements of one turn go to Postgres as one.
    const redis = createRedisClient(config.redis, { maxRetriesPerRequest: 1, enableOfflineQueue: true, enableAutoPipelining: true });
    redis.defineCommand('rateLimitIncrement', { numberOfKeys: 2, lua: INCREMENT });
    this.redis = redis as WithIncrement;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const keys = keysOf(throttlerName, key);
    const [totalHits, msToExpire, msToBlockExpire] = await this.redis.rateLimitIncrement(keys.hits, keys.block, ttl, limit, blockDuration);
    const isBlocked = msToBlockExpire > 0 || totalHits > limit;
    return {
      totalHits,
      timeToExpire: Math.max(1, Math.ceil(msToExpire / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil((msToBlockExpire > 0 ? msToBlockExpire : msToExpire) / 1000)) : 0,
    };
  }

  /** Whether a key is inside a block, without counting a hit (the IP check before any key lookup). */
  async blockedFor(key: string, throttlerName: string): Promise<number> {
    const ms = await this.redis.pttl(keysOf(throttlerName, key).block);
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
