import { loadConfig } from '@app/config';
import { JobName, QueueName, redisOptionsFromUrl } from '@app/queues';
import { Queue } from 'bullmq';
import { TestApi, TestOrg } from './test-app';
import { TEST_REDIS_URL } from './test-env';

export const NOTIFICATIONS = '/rest/api/v1.3/notifications';

/** Responsys's error body, as the seed 003 page writes it. */
export const responsysError = (title: string, errorCode: string, detail: string) => ({
  type: '',
  title,
  errorCode,
  detail,
  errorDetails: [],
});

/** Creates a callback (loopback URL unless given) and returns its name and one-time signing secret. */
export async function createCallback(
  api: TestApi,
  org: TestOrg,
  body: Record<string, unknown> = {},
): Promise<{ name: string; signingSecret: string }> {
  const name = (body.callBackName as string) ?? `cb_${Math.random().toString(36).slice(2, 10)}`;
  const res = await api.post(`${NOTIFICATIONS}/callbacks`, { callBackUrl: 'http://127.0.0.1:9/hook', ...body, callBackName: name }, org);
  if (res.status !== 201) throw new Error(`callback create failed: ${res.status} ${res.text}`);
  return { name, signingSecret: res.body.signingSecret };
}

/** The test Redis `events` queue, to read what the API published. */
export function eventsQueue(): Queue {
  return new Queue(QueueName.EVENTS, { connection: redisOptionsFromUrl(TEST_REDIS_URL), prefix: loadConfig().redis.queuePrefix });
}

/** Data of the jobs with this name currently in the queue (nothing consumes them in API tests). */
export async function jobsNamed<T = Record<string, unknown>>(queue: Queue, name: JobName): Promise<T[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'prioritized']);
  return jobs.filter((j) => j.name === name).map((j) => j.data as T);
}
