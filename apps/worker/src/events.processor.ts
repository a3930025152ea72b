import { assertHandlers, JobData, JobName, QueueName } from '@app/queues';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { FanOutRunner } from './fan-out.runner';
import { FlushScheduler } from './flush-scheduler';

type EventsJob = JobName.FAN_OUT | JobName.SUBSCRIPTION_CHANGED;

/** The events queue: fan new outbox events out, and react to subscription changes. */
@Processor(QueueName.EVENTS, { concurrency: 4 })
export class EventsProcessor extends WorkerHost implements OnModuleInit {
  private readonly handlers: { [N in EventsJob]: (data: JobData<N>, job: Job) => Promise<void> } = {
    [JobName.FAN_OUT]: (_data, job) => this.fanOut.drain(job.timestamp),
    [JobName.SUBSCRIPTION_CHANGED]: (data) => this.subscriptionChanged(data),
  };

  constructor(
    private readonly fanOut: FanOutRunner,
    private readonly scheduler: FlushScheduler,
  ) {
    super();
  }

  onModuleInit(): void {
    assertHandlers(QueueName.EVENTS, Object.keys(this.handlers));
  }

  async process(job: Job): Promise<void> {
    const handler = this.handlers[job.name as EventsJob] as (data: unknown, job: Job) => Promise<void>;
    await handler(job.data, job);
  }

  /**
   * A subscription was created, changed or resumed: flush it, so held events go out on resume.
   * (Fan-out's subscription cache follows a version the database bumps; nothing to drop here.)
   */
  private async subscriptionChanged(data: JobData<JobName.SUBSCRIPTION_CHANGED>): Promise<void> {
    if (data.subscriptionId) await this.scheduler.now([data.subscriptionId]);
  }
}
