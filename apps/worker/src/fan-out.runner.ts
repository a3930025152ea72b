import { APP_CONFIG, AppConfig } from '@app/config';
import { drainPartitions, FanOutService } from '@app/domain';
import { Inject, Injectable } from '@nestjs/common';
import { FlushScheduler } from './flush-scheduler';
import { WorkerMetrics } from './worker-metrics';

/** Events claimed per transaction: large enough to amortise it, small enough to keep it short. */
const EVENTS_PER_PASS = 2000;
/** Slack for clocks: a pass must start this long after a job was added to be sure it saw its events. */
const CLOCK_SLACK_MS = 50;

/**
 * Runs fan-out passes over every partition until nothing is left (see drainPartitions: a
 * partition another worker holds is skipped, not waited on). The API adds one job per request,
 * but a drain takes every committed event, so a job added before the last drain began is already
 * served: it is skipped without touching Postgres.
 */
@Injectable()
export class FanOutRunner {
  private lastDrainStartedAt = 0;
  private draining?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly fanOut: FanOutService,
    private readonly scheduler: FlushScheduler,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** `requestedAt`: when the events behind this request were committed (the job's timestamp). */
  async drain(requestedAt = Date.now()): Promise<void> {
    // One drain at a time per process; a caller arriving mid-drain waits, then decides again.
    for (;;) {
      if (requestedAt + CLOCK_SLACK_MS < this.lastDrainStartedAt) return;
      if (!this.draining) break;
      await this.draining.catch(() => undefined);
    }
    this.draining = this.run().finally(() => (this.draining = undefined));
    await this.draining;
  }

  private async run(): Promise<void> {
    const startedAt = Date.now();
    await drainPartitions(this.fanOut, {
      partitions: this.config.fanOutPartitions,
      eventsPerPass: EVENTS_PER_PASS,
      onPass: async (result) => {
        this.metrics.eventsFannedOut.inc(result.events);
        this.metrics.deliveriesCreated.inc(result.deliveries);
        await this.scheduler.now(result.subscriptions.map((s) => s.id));
      },
    });
    // Only a drain that finished counts: a failed one must not make later jobs skip.
    this.lastDrainStartedAt = startedAt;
  }
}
