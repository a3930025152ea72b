import { APP_CONFIG, AppConfig } from '@app/config';
import { RetentionService } from '@app/domain';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * Runs a retention pass every RETENTION_INTERVAL_MS in each worker; the pass's try-lock lets one
 * worker at a time do the work and the others skip at once. A timer rather than a repeatable job
 * for the sweeper's reason: it must not depend on Redis keeping its jobs.
 */
@Injectable()
export class RetentionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionRunner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), this.config.retention.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Let a pass finish its chunk and release its lock before the pool closes.
    await this.running;
  }

  run(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const startedAt = Date.now();
    try {
      const pruned = await this.retention.prune(this.config.retention);
      if (pruned && Object.values(pruned).some((n) => n > 0)) {
        this.logger.log(`Retention deleted ${JSON.stringify(pruned)} in ${Date.now() - startedAt} ms`);
      }
    } catch (error) {
      this.logger.error(`Retention pass failed: ${(error as Error).message}`);
    }
  }
}
