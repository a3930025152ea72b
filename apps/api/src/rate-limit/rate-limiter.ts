import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** One budget: `limit` hits per `windowMs` per tracker; past it, 429 until the window (or block) ends. */
interface Policy {
  name: 'key' | 'failed-auth' | 'public' | 'verify';
  limit: number;
  windowMs: number;
  /** How long a tracker that went over stays refused; 0: only until its window ends. */
  blockMs: number;
}

const MINUTE_MS = 60_000;
/**
 * How long an IP found not locked out is trusted without asking Redis again. The lockout check
 * was a second Redis round trip on every authenticated request; trusted for a second, it is one a
 * second per client IP. What it gives up: a lockout started by another replica takes up to a second
 * to reach this one for requests with a VALID key. Wrong keys are still counted and refused in
 * Redis on every request (spendFailedAuth), and this replica's own failures drop the trust at once.
 */
const NOT_LOCKED_OUT_TRUST_MS = 1000;
/** Trusted IPs remembered at most: a flood of distinct IPs only costs the lookups it would have cost anyway. */
const MAX_TRUSTED_IPS = 10_000;
/**
 * How long a budget may take to answer. Budgets are the only Redis call a request waits for, and
 * Postgres holds every change: with Redis lost or slow, requests pass unlimited (fail open, logged
 * at most every LOST_LOG_MS) rather than all fail, or hang until Redis returns.
 */
const BUDGET_TIMEOUT_MS = 1000;
const LOST_LOG_MS = 10_000;

/**
 * The API's request budgets (README "Rate limits"): per API key, per client IP for requests without
 * valid credentials and for public routes, and per org for callback verification. Every answer of a
 * limited route carries the IETF RateLimit-Policy and RateLimit headers; a 429 adds Retry-After and
 * goes out in the dialect's error body, like every other failure.
 */
@Injectable()
export class RateLimiter {
  private readonly defaults: AppConfig['rateLimits'];
  /** IP -> until when (performance.now(), a clock that never steps back) its "not locked out" answer is trusted; 0 while being looked up. */
  private readonly notLockedOut = new Map<string, number>();
  private readonly logger = new Logger(RateLimiter.name);
  private lostLoggedAt = -Infinity;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly storage: RedisThrottlerStorage,
  ) {
    this.defaults = config.rateLimits;
  }

  /** Spends one request of an API key's budget (the org's own per-second limit, else the default). */
  spendKey(reply: FastifyReply, apiKeyId: string, orgPerSecond?: number): Promise<void> {
    return this.spend(reply, { name: 'key', limit: orgPerSecond ?? this.defaults.keyPerSecond, windowMs: 1000, blockMs: 0 }, apiKeyId);
  }

  spendPublic(reply: FastifyReply, ip: string): Promise<void> {
    return this.spend(reply, { name: 'public', limit: this.defaults.publicPerMinute, windowMs: MINUTE_MS, blockMs: 0 }, ip);
  }

  /** Verification sends a request to the tenant's URL: a small budget, so it cannot be used to flood one. */
  spendVerify(reply: FastifyReply, orgId: string): Promise<void> {
    return this.spend(reply, { name: 'verify', limit: this.defaults.verifyPerMinute, windowMs: MINUTE_MS, blockMs: 0 }, orgId);
  }

  /** Refuses an IP locked out for failed authentications before its credentials cost a lookup. */
  async refuseLockedOut(reply: FastifyReply, ip: string): Promise<void> {
    if ((this.notLockedOut.get(ip) ?? 0) > performance.now()) return;
    if (this.notLockedOut.size >= MAX_TRUSTED_IPS) this.notLockedOut.clear();
    // Pending (0: not trusted): a failure counted while Redis answers deletes it, and what Redis said is not trusted then.
    this.notLockedOut.set(ip, 0);
    const policy = this.failedAuthPolicy();
    const seconds = await this.ask(this.storage.blockedFor(ip, policy.name));
    if (seconds === undefined) return;
    if (seconds > 0) this.refuse(reply, policy, seconds);
    if (this.notLockedOut.has(ip)) this.notLockedOut.set(ip, performance.now() + NOT_LOCKED_OUT_TRUST_MS);
  }

  /** Counts missing or wrong credentials against the IP; past the limit the IP is locked out (429). */
  spendFailedAuth(reply: FastifyReply, ip: string): Promise<void> {
    this.notLockedOut.delete(ip);
    return this.spend(reply, this.failedAuthPolicy(), ip);
  }

  private failedAuthPolicy(): Policy {
    return { name: 'failed-auth', limit: this.defaults.failedAuthPerMinute, windowMs: MINUTE_MS, blockMs: MINUTE_MS };
  }

  private async spend(reply: FastifyReply, policy: Policy, tracker: string): Promise<void> {
    const record = await this.ask(this.storage.increment(tracker, policy.windowMs, policy.limit, policy.blockMs, policy.name));
    if (!record) return;
    if (record.isBlocked) this.refuse(reply, policy, record.timeToBlockExpire);
    setRateLimitHeaders(reply, policy, Math.max(0, policy.limit - record.totalHits), record.timeToExpire);
  }

  /** Redis's answer, or undefined when it failed or took longer than BUDGET_TIMEOUT_MS (the request then passes). */
  private async ask<T>(answer: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        answer,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${BUDGET_TIMEOUT_MS} ms`)), BUDGET_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      answer.catch(() => undefined); // a late rejection of the abandoned call is expected
      const now = performance.now();
      if (now - this.lostLoggedAt >= LOST_LOG_MS) {
        this.lostLoggedAt = now;
        this.logger.warn(`Rate limits are not enforced: Redis did not answer (${(error as Error).message})`);
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private refuse(reply: FastifyReply, policy: Policy, seconds: number): never {
    setRateLimitHeaders(reply, policy, 0, seconds);
    reply.header('retry-after', String(seconds));
    throw new ThrottlerException('Too many requests');
  }
}

/** draft-ietf-httpapi-ratelimit-headers: the quota and window, then what remains and when it resets. */
function setRateLimitHeaders(reply: FastifyReply, policy: Policy, remaining: number, resetSeconds: number): void {
  reply.header('ratelimit-policy', `"${policy.name}";q=${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`);
  reply.header('ratelimit', `"${policy.name}";r=${remaining};t=${resetSeconds}`);
}
