import { APP_CONFIG, AppConfig } from '@app/config';
import { BatchesService, DoubleOptInService, FanOutService } from '@app/domain';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FanOutRunner } from './fan-out.runner';
import { FlushScheduler } from './flush-scheduler';

/** Events younger than this are left to the fast path (the API's own job). */
const UNFANNED_GRACE_MS = 2000;
/**
 * Held deliveries expired per sweep: bounds the sweep (1,000 rows take about 50 ms); a larger
 * backlog goes over several sweeps, 30,000 a minute at the default interval.
 */
const EXPIRE_PER_SWEEP = 1000;

/**
 * Recovery, driven by Postgres alone: re-runs fan-out for events left unfanned (the API died
 * between commit and publish, or Redis lost the job), re-schedules the flush of subscriptions
 * with work due, expires held events past the retention window, and records double opt-in
 * requests left unconfirmed past CONFIRM_TTL_DAYS as expired (a bounded batch per sweep).
 *
 * It runs on a timer in every worker rather than as a BullMQ repeatable job, because a
 * repeatable job lives in Redis and would be lost with it: the very failure it must repair.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly fanOut: FanOutService,
    private readonly runner: FanOutRunner,
    private readonly batches: BatchesService,
    private readonly scheduler: FlushScheduler,
    private readonly doubleOptIn: DoubleOptInService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    void this.sweep();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (await this.fanOut.hasStaleUnfanned(UNFANNED_GRACE_MS)) await this.runner.drain();
      const due = await this.batches.subscriptionsNeedingFlush(this.config.webhooks.flushMs);
      await this.scheduler.fromSweep(due, this.config.sweepIntervalMs);
      const expired = await this.batches.expireHeld(this.config.webhooks.holdDays, EXPIRE_PER_SWEEP);
      if (expired) this.logger.warn(`Expired ${expired} held deliveries older than ${this.config.webhooks.holdDays} days`);
      const unconfirmed = await this.doubleOptIn.expireStale();
      if (unconfirmed > 0) this.logger.log(`Recorded ${unconfirmed} double opt-in requests as expired`);
    } catch (error) {
      this.logger.error(`Sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
