// A small failed-auth budget for this process only (test-env.ts sets ones the other tests never reach).
process.env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE = '5';
import { loadConfig } from '@app/config';
import { FastifyReply } from 'fastify';
import { randomInt } from 'node:crypto';
import { RateLimiter } from './rate-limiter';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** The second an IP found not locked out is trusted, against the real Redis of the tests. */
describe('the trust in an IP found not locked out', () => {
  const config = loadConfig();
  const storage = new RedisThrottlerStorage(config);
  afterAll(() => storage.onModuleDestroy());
  const reply = { header: () => reply } as unknown as FastifyReply;

  it("is not given when this replica's own failures locked the IP out while its lookup was in flight", async () => {
    const limiter = new RateLimiter(config, storage);
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    // A request with a valid key looks the IP up; meanwhile wrong keys from the same IP lock it out.
    const lookup = limiter.refuseLockedOut(reply, ip);
    const failures = Array.from({ length: 6 }, () => limiter.spendFailedAuth(reply, ip).catch(() => 'refused'));
    await lookup;
    await Promise.all(failures);
    expect(await storage.blockedFor(ip, 'failed-auth')).toBeGreaterThan(0);
    await expect(limiter.refuseLockedOut(reply, ip)).rejects.toThrow('Too many requests');
  });
});
