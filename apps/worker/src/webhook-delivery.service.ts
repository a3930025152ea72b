import { APP_CONFIG, AppConfig } from '@app/config';
import { BatchesService, BatchToSend } from '@app/domain';
import { BatchEventRow, signWebhook, toWebhookEvent, urlForAttempt, WebhookBody, WebhookResponse, WebhookSender } from '@app/webhooks';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';

export interface SentBatch {
  url: string;
  response: WebhookResponse;
  occurredAt: Date[];
}

/** Builds, signs and POSTs one batch. Knows HTTP and Standard Webhooks; decides nothing. */
@Injectable()
export class WebhookDeliveryService implements OnApplicationShutdown {
  private readonly sender: WebhookSender;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly batches: BatchesService,
  ) {
    this.sender = new WebhookSender({ allowPrivate: config.webhooks.allowPrivateCallbackUrls, connections: 64 });
  }

  async send(batch: BatchToSend): Promise<SentBatch> {
    const rows = (batch.events ?? (await this.batches.eventsOf(batch.batchId))) as BatchEventRow[];
    const body: WebhookBody = {
      subscriptionName: batch.subscriptionName,
      callBackName: batch.callbackName,
      batchId: batch.batchId,
      replay: batch.replay,
      ...(batch.outOfOrder ? { outOfOrder: true as const } : {}),
      events: rows.map(toWebhookEvent),
    };
    const json = JSON.stringify(body);
    const headers: Record<string, string> = { ...signWebhook(batch.batchId, json, batch.secrets) };
    if (batch.authUser !== null) {
      headers.authorization = `Basic ${Buffer.from(`${batch.authUser}:${batch.authPassword ?? ''}`).toString('base64')}`;
    }
    const url = urlForAttempt(batch.scheduleAttempt, batch.url, batch.backupUrl);
    const response = await this.sender.send({ url, body: json, headers, timeoutMs: this.config.webhooks.timeoutMs });
    return { url, response, occurredAt: rows.map((r) => new Date(r.occurred_at)) };
  }

  /** After the queue workers have finished their jobs (main.ts closes them first). */
  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}
