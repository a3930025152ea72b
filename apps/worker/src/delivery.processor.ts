import { APP_CONFIG, AppConfig } from '@app/config';
import { BatchesService, BatchToSend } from '@app/domain';
import { assertHandlers, JobData, JobName, QueueName } from '@app/queues';
import { decideRetry } from '@app/webhooks';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { FlushScheduler } from './flush-scheduler';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WorkerMetrics } from './worker-metrics';

/** A flush sends at most this many batches before yielding its slot to other subscriptions. */
const BATCHES_PER_JOB = 20;
/**
 * A batch stays leased for twice the request timeout (at least 2 s more): long enough for the
 * holder to send and record it, short enough that a killed worker's batch is soon sent again.
 */
const leaseMs = (timeoutMs: number) => timeoutMs + Math.max(2000, timeoutMs);

/**
 * The deliveries queue. Per subscription, strictly in order: send the next batch, record the
 * attempt, and on a 2xx go on to the next; on failure the batch keeps its place and a timer
 * brings it back when its retry is due. Many subscriptions flush in parallel.
 */
@Processor(QueueName.DELIVERIES, { concurrency: 32 })
export class DeliveryProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(DeliveryProcessor.name);
  private stopping = false;
  private readonly handlers: Record<JobName.FLUSH, (data: JobData<JobName.FLUSH>) => Promise<void>> = {
    [JobName.FLUSH]: (data) => this.flush(data),
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly batches: BatchesService,
    private readonly delivery: WebhookDeliveryService,
    private readonly scheduler: FlushScheduler,
    private readonly metrics: WorkerMetrics,
  ) {
    super();
  }

  onModuleInit(): void {
    assertHandlers(QueueName.DELIVERIES, Object.keys(this.handlers));
  }

  /** SIGTERM: finish the batch in flight, start no other; the sweeper resumes the rest. */
  stopAfterCurrentBatch(): void {
    this.stopping = true;
  }

  async process(job: Job): Promise<void> {
    await this.handlers[job.name as JobName.FLUSH](job.data);
  }

  private async flush({ subscriptionId, timer }: JobData<JobName.FLUSH>): Promise<void> {
    const { flushMs, timeoutMs } = this.config.webhooks;
    for (let sent = 0; sent < BATCHES_PER_JOB; sent++) {
      if (this.stopping) return;
      const step = await this.batches.nextStep(subscriptionId, flushMs, leaseMs(timeoutMs));
      if (step.kind === 'idle' || step.kind === 'busy') return;
      if (step.kind === 'wait') {
        await this.scheduler.later(subscriptionId, step.delayMs, timer);
        return;
      }
      const delivered = await this.sendOne(step.batch);
      if (!delivered) return;
    }
    // More batches are waiting: go to the back of the queue so other subscriptions get a turn.
    if (!this.stopping) await this.scheduler.now([subscriptionId]);
  }

  /** Sends one batch and records the outcome; true when delivered. */
  private async sendOne(batch: BatchToSend): Promise<boolean> {
    const { url, response, occurredAt } = await this.delivery.send(batch);
    const attempt = {
      url,
      status: response.status,
      durationMs: response.durationMs,
      responseBody: response.bodySnippet,
      error: response.error,
    };
    if (response.status !== null && response.status >= 200 && response.status < 300) {
      if (await this.batches.recordDelivered(batch, attempt)) {
        this.metrics.attempts.inc({ outcome: 'delivered' });
        this.metrics.eventsDelivered.inc(occurredAt.length);
        const now = Date.now();
        // Replays are old events by design: they would only blur the latency a consumer sees.
        if (!batch.replay) for (const at of occurredAt) this.metrics.deliveryLatency.observe((now - at.getTime()) / 1000);
      }
      return true;
    }
    const decision = decideRetry(batch.scheduleAttempt, response, { scheduleSeconds: this.config.webhooks.retryScheduleSeconds });
    if (decision.kind === 'retry') {
      this.metrics.attempts.inc({ outcome: 'retry' });
      await this.batches.recordRetry(batch, attempt, decision.delayMs);
      await this.scheduler.later(batch.subscriptionId, decision.delayMs, true);
    } else {
      this.metrics.attempts.inc({ outcome: 'failed' });
      this.logger.warn(`Batch ${batch.batchId} failed; pausing subscription ${batch.subscriptionName}: ${decision.reason}`);
      await this.batches.recordFailed(batch, attempt, decision.reason);
    }
    return false;
  }
}
