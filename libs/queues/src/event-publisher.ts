import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobData, JobName, QueueName } from './jobs';

/** How long a publish may take before the request stops waiting; the sweeper covers the rest. */
const PUBLISH_TIMEOUT_MS = 1000;

/**
 * The API's only queue producer. Publishing is the fast path: Postgres already holds the events,
 * so a failed or slow publish is logged and swallowed, never turned into a failed request.
 */
@Injectable()
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);

  constructor(@InjectQueue(QueueName.EVENTS) private readonly events: Queue) {}

  async publishEvents(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.safely(JobName.FAN_OUT, { eventIds } satisfies JobData<JobName.FAN_OUT>);
  }

  async subscriptionChanged(data: JobData<JobName.SUBSCRIPTION_CHANGED>): Promise<void> {
    await this.safely(JobName.SUBSCRIPTION_CHANGED, data);
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
