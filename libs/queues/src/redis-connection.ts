import type { RedisConfig } from '@app/config';
import type { RedisOptions } from 'bullmq';
import Redis, { Cluster, RedisOptions as IORedisOptions } from 'ioredis';

/** ioredis options from a redis:// URL (db index included), as BullMQ wants them. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis; they must retry forever rather than throw.
    maxRetriesPerRequest: null,
  };
}

/**
 * A client of the configured Redis: a Cluster client on REDIS_CLUSTER_NODES when set, else one
 * connection to REDIS_URL. Every Redis user but BullMQ's own connections comes through here, so
 * none of them can be left pointing at a standalone Redis when the queues moved to a cluster.
 */
export function createRedisClient(config: RedisConfig, options: IORedisOptions = {}): Redis | Cluster {
  // A cluster takes auto-pipelining as its own option; in redisOptions it would be ignored.
  if (config.clusterNodes) return new Cluster(config.clusterNodes, { redisOptions: options, enableAutoPipelining: options.enableAutoPipelining });
  return new Redis(config.url, options);
}
