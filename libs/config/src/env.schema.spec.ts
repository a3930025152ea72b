import { loadConfig } from './config';

describe('environment validation', () => {
  it('fills every default when nothing is set', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/optline');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.apiPort).toBe(3000);
    expect(config.webhooks.retryScheduleSeconds).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(config.webhooks.allowPrivateCallbackUrls).toBe(false);
    expect(config.defaultPhoneRegion).toBeUndefined();
  });

  it('reads DEFAULT_PHONE_REGION in any case and refuses an unknown region', () => {
    expect(loadConfig({ DEFAULT_PHONE_REGION: 'ru' }).defaultPhoneRegion).toBe('RU');
    expect(() => loadConfig({ DEFAULT_PHONE_REGION: 'XX' })).toThrow(/DEFAULT_PHONE_REGION="XX": .*region code/);
  });

  it('names every bad variable in one message', () => {
    const attempt = () => loadConfig({ PORT: 'abc', REDIS_URL: 'http://x', WEBHOOK_RETRY_SCHEDULE: '5,x' });
    expect(attempt).toThrow(/PORT="abc": .*PORT must be an integer/);
    expect(attempt).toThrow(/REDIS_URL="http:\/\/x": REDIS_URL must be a redis:\/\/ URL/);
    expect(attempt).toThrow(/WEBHOOK_RETRY_SCHEDULE="5,x"/);
  });

  it('reads booleans and numbers from strings', () => {
    const config = loadConfig({ ALLOW_PRIVATE_CALLBACK_URLS: 'true', WEBHOOK_FLUSH_MS: '50' });
    expect(config.webhooks.allowPrivateCallbackUrls).toBe(true);
    expect(config.webhooks.flushMs).toBe(50);
  });

  it('reads a Redis Cluster and refuses a queue prefix that would spread a queue over slots', () => {
    expect(loadConfig({}).redis).toEqual({ url: 'redis://127.0.0.1:6379', clusterNodes: undefined, queuePrefix: '{optline}' });
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' }).redis.clusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES="10.0.0.1": .*host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:70000' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', QUEUE_PREFIX: 'optline' })).toThrow(/QUEUE_PREFIX="optline": .*hash tag/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', QUEUE_PREFIX: '{}{optline}' })).toThrow(/QUEUE_PREFIX/);
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', QUEUE_PREFIX: 'ol{eu}' }).redis.queuePrefix).toBe('ol{eu}');
    expect(loadConfig({ QUEUE_PREFIX: 'optline' }).redis.queuePrefix).toBe('optline');
    expect(() => loadConfig({ QUEUE_PREFIX: 'opt line' })).toThrow(/QUEUE_PREFIX/);
  });

  it('takes fractions of a day for retention (soak tests) and a divisor of 256 for fan-out partitions', () => {
    expect(loadConfig({ RETENTION_DAYS: '0.002', IDEMPOTENCY_TTL_HOURS: '0.05' }).retention).toMatchObject({ retentionDays: 0.002, idempotencyTtlHours: 0.05 });
    expect(() => loadConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS="0"/);
    expect(loadConfig({}).fanOutPartitions).toBe(16);
    expect(loadConfig({ FAN_OUT_PARTITIONS: '64' }).fanOutPartitions).toBe(64);
    expect(() => loadConfig({ FAN_OUT_PARTITIONS: '12' })).toThrow(/FAN_OUT_PARTITIONS="12"/);
  });
});
