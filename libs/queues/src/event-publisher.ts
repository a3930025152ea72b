import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobData, JobName, QueueName } from './jobs';

/** How long a publish may take before it is given up; the sweeper covers the rest. */
const PUBLISH_TIMEOUT_MS = 1000;
/** Event ids per fan-out job, at most. */
const MAX_IDS_PER_JOB = 2000;

/**
 * The API's only queue producer. Publishing is the fast path: Postgres already holds the events,
 * so a failed or slow publish is logged and swallowed, never turned into a failed request.
 *
 * Event ids are not published one request at a time: the ids committed during one turn of the
 * event loop go out as one fan-out job, after the requests have been answered. Under load that
 * is one Redis round trip for many requests instead of one each; the worker's fan-out takes
 * every committed event in one pass anyway, and the sweeper repairs anything a crash loses.
 */
@Injectable()
export class EventPublisher implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private pending: string[] = [];
  private scheduled?: NodeJS.Immediate;
  private inFlight = new Set<Promise<void>>();

  constructor(@InjectQueue(QueueName.EVENTS) private readonly events: Queue) {}

  async publishEvents(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    this.pending.push(...eventIds);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  async subscriptionChanged(data: JobData<JobName.SUBSCRIPTION_CHANGED>): Promise<void> {
    await this.safely(JobName.SUBSCRIPTION_CHANGED, data);
  }

  /** Publishes what is waiting; resolves once it has been handed to Redis (or given up). */
  async flush(): Promise<void> {
    this.scheduled = undefined;
    const ids = this.pending;
    this.pending = [];
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_JOB) {
      const eventIds = ids.slice(i, i + MAX_IDS_PER_JOB);
      jobs.push(this.track(this.safely(JobName.FAN_OUT, { eventIds } satisfies JobData<JobName.FAN_OUT>)));
    }
    await Promise.all([...jobs, ...this.inFlight]);
  }

  /**
   * On shutdown, publish what is still waiting rather than leave it to the sweeper: once when
   * modules stop, and again after the HTTP server has let its last requests finish.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async safely(name: JobName, data: object): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.events.add(name, data),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`publish timed out after ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn(`Could not publish ${name}; the outbox sweeper will pick it up: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
