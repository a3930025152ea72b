import Redis from 'ioredis';
import { TEST_REDIS_URL } from './test-env';

/** A client on the test Redis DB, for assertions on queues and for FLUSHDB mid-test. */
export function testRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
}
