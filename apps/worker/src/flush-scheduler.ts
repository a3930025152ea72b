import { JobData, JobName, QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';

/** Due times closer than this share one timer job, so a burst of events schedules one flush. */
const TIMER_BUCKET_MS = 25;

/** Puts FLUSH jobs on the deliveries queue: now (new work) or later (a partial batch, a retry). */
@Injectable()
export class FlushScheduler {
  private readonly logger = new Logger(FlushScheduler.name);

  constructor(@InjectQueue(QueueName.DELIVERIES) private readonly deliveries: Queue) {}

  async now(subscriptionIds: string[]): Promise<void> {
    if (subscriptionIds.length === 0) return;
    await this.safely(() =>
      this.deliveries.addBulk(
        subscriptionIds.map((subscriptionId) => ({
          name: JobName.FLUSH,
          data: { subscriptionId } satisfies JobData<JobName.FLUSH>,
        })),
      ),
    );
  }

  /**
   * The sweeper's flushes: one job per subscription and sweep period across all workers (the job
   * id), so N workers sweeping the same backlog add one job each period, not N.
   */
  async fromSweep(subscriptionIds: string[], periodMs: number): Promise<void> {
    if (subscriptionIds.length === 0) return;
    const period = Math.floor(Date.now() / periodMs);
    await this.safely(() =>
      this.deliveries.addBulk(
        subscriptionIds.map((subscriptionId) => ({
          name: JobName.FLUSH,
          data: { subscriptionId } satisfies JobData<JobName.FLUSH>,
          opts: { jobId: `sweep-${subscriptionId}-${period}` },
        })),
      ),
    );
  }

  /**
   * A timer: one job per subscription and due time, so many requests for the same moment collapse
   * into one. `unique` forces a fresh job (a timer that fired a little early re-arms itself).
   */
  async later(subscriptionId: string, delayMs: number, unique = false): Promise<void> {
    const dueBucket = Math.ceil((Date.now() + delayMs) / TIMER_BUCKET_MS);
    const jobId = `timer-${subscriptionId}-${dueBucket}${unique ? `-${process.pid}-${Date.now()}` : ''}`;
    await this.safely(() =>
      this.deliveries.add(JobName.FLUSH, { subscriptionId, timer: true } satisfies JobData<JobName.FLUSH>, {
        delay: Math.max(0, delayMs),
        jobId,
      }),
    );
  }

  /** Redis may be gone; Postgres still holds the work and the sweeper reschedules it. */
  private async safely(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(`Could not schedule a flush; the sweeper will: ${(error as Error).message}`);
    }
  }
}
