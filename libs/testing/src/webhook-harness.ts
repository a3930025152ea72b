import { INestApplicationContext } from '@nestjs/common';
import { TestApi, TestOrg } from './test-app';
import { startTestWorker } from './test-worker';
import { WebhookReceiver } from './webhook-receiver';

export interface WebhookHarness {
  api: TestApi;
  worker: INestApplicationContext;
  receiver: WebhookReceiver;
  org: TestOrg;
  stop(): Promise<void>;
}

/** The API, the worker in-process, a real webhook receiver and an org: for tests that follow an event to its consumer. */
export async function startWebhookHarness(orgPrefix: string): Promise<WebhookHarness> {
  const api = await TestApi.start();
  const worker = await startTestWorker();
  const receiver = await new WebhookReceiver().start();
  const org = await api.createOrg(orgPrefix);
  return {
    api,
    worker,
    receiver,
    org,
    async stop() {
      await receiver.stop();
      await worker.close();
      await api.close();
    },
  };
}
