// Small public budget for this process, to see a 429 counted on the cluster.
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE = '3';
process.env.OPERATOR_TOKEN = 'operator-token-for-cluster-test';
process.env.WEBHOOK_FLUSH_MS = '50';

import { loadConfig } from '@app/config';
import { createRedisClient } from '@app/queues';
import { LocalRedisCluster, NOTIFICATIONS, registerCustomer, startRedisCluster, startTestWorker, TestApi, TestOrg, WebhookReceiver } from '@app/testing';
import { INestApplicationContext } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { QueueDepthCollector } from '../apps/worker/src/queue-depth.collector';
import { WorkerHealth } from '../apps/worker/src/worker-health';

/**
 * The API and the worker on a real Redis Cluster (three masters on loopback, started here), with
 * REDIS_URL pointing at a port where nothing listens: every Redis user must follow
 * REDIS_CLUSTER_NODES, or its part of the path below fails.
 */
describe('on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: LocalRedisCluster | undefined;
  let api: TestApi | undefined;
  let worker: INestApplicationContext | undefined;
  let receiver: WebhookReceiver | undefined;
  let org: TestOrg;
  const savedRedisUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    process.env.REDIS_CLUSTER_NODES = cluster.nodes;
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    api = await TestApi.start();
    worker = await startTestWorker();
    receiver = await new WebhookReceiver().start();
    org = await api.createOrg('cluster');
  }, 60000);

  afterAll(async () => {
    try {
      await receiver?.stop();
      await worker?.close();
      await api?.close();
    } finally {
      await cluster?.stop();
      delete process.env.REDIS_CLUSTER_NODES;
      process.env.REDIS_URL = savedRedisUrl;
    }
  });

  it('delivers an opt-out made through the API as a signed webhook, through queues on the cluster', async () => {
    const callback = await api!.post(`${NOTIFICATIONS}/callbacks`, { callBackName: 'crm', callBackUrl: receiver!.url }, org);
    expect(callback.status).toBe(201);
    receiver!.secrets.push(callback.body.signingSecret);
    const subscription = await api!.post(
      `${NOTIFICATIONS}/subscriptions`,
      { subscriptionName: 'crm-consent', callBackName: 'crm', eventTypes: ['EMAIL_OPTOUT'], batchSize: 10 },
      org,
    );
    expect(subscription.status).toBe(201);

    const customer = await registerCustomer(api!, org);
    const optOut = await api!.post(
      `/v2/customers/${customer.id}/subscriptions`,
      { subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] },
      org,
    );
    expect(optOut.status).toBe(200);

    await receiver!.waitFor(() => receiver!.eventIds().length === 1, 20000);
    const [hook] = receiver!.received;
    expect(hook.verified).toBe(true);
    expect(hook.body.events[0]).toMatchObject({ eventType: 'EMAIL_OPTOUT', customerId: customer.id, consent: { status: 'OPTOUT' } });

    // The jobs went through the cluster, under the hash-tagged prefix.
    const client = createRedisClient(loadConfig().redis) as Cluster;
    try {
      expect(loadConfig().redis.queuePrefix).toBe('{optline}');
      expect(await client.exists('{optline}:events:id', '{optline}:deliveries:id')).toBe(2);
    } finally {
      client.disconnect();
    }
  });

  it('counts a rate limit on the cluster', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api!.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.11.12.13' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('reports ready, serves metrics and the queue dashboard from the cluster', async () => {
    const ready = await api!.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await worker!.get(WorkerHealth).readiness()).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
    const metrics = await worker!.get(QueueDepthCollector).render();
    expect(metrics.body).toMatch(/optline_queue_jobs\{queue="events",state="waiting"\} 0/);
    const queues = await api!.get('/admin/queues/api/queues', undefined, { authorization: 'Bearer operator-token-for-cluster-test' });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['deliveries', 'events']);
  });
});
