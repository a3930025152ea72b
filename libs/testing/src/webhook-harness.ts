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

export interface DeliveryTestBed {
  readonly api: TestApi;
  /** A fresh org for each test: one ACTIVE subscription per event type is the rule within an org. */
  readonly org: TestOrg;
  /** A fresh receiver for each test, stopped after it. */
  readonly receiver: WebhookReceiver;
}

/**
 * Registers a delivery spec's hooks in the calling `describe`: the API and the worker for the
 * file, and a new org and receiver for each test. Read the fields inside tests, not at load time.
 * Delivery runs on test time: partial batches after 100 ms, retries a second apart (5 attempts),
 * a 2 s timeout.
 */
export function useDeliveryTestBed(orgPrefix: string): DeliveryTestBed {
  process.env.WEBHOOK_FLUSH_MS = '100';
  process.env.WEBHOOK_RETRY_SCHEDULE = '1,1,1,1';
  process.env.WEBHOOK_TIMEOUT_MS = '2000';
  const bed = {} as { api: TestApi; worker: INestApplicationContext; org: TestOrg; receiver: WebhookReceiver };
  beforeAll(async () => {
    bed.api = await TestApi.start();
    bed.worker = await startTestWorker();
  });
  afterAll(async () => {
    await bed.worker.close();
    await bed.api.close();
  });
  beforeEach(async () => {
    bed.org = await bed.api.createOrg(orgPrefix);
    bed.receiver = await new WebhookReceiver().start();
  });
  afterEach(() => bed.receiver.stop());
  return bed;
}

/** Waits until the subscription's `/stats` show every count in `expected`. */
export async function waitForStats(api: TestApi, org: TestOrg, name: string, expected: Record<string, number>, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const stats = await api.get(`/v1/subscriptions/${name}/stats`, org);
    if (Object.entries(expected).every(([k, v]) => stats.body[k] === v)) return;
    if (Date.now() > until) throw new Error(`stats ${JSON.stringify(stats.body)}, waiting for ${JSON.stringify(expected)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
