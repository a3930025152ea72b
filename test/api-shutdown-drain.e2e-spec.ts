import { JobName } from '@app/queues';
import { AppProcess, eventsQueue, jobsNamed, registerCustomer, TestApi, TestOrg } from '@app/testing';
import { Queue } from 'bullmq';

/**
 * A request still running when the API is told to stop is let finish (the HTTP drain), the process
 * then exits at once, and the event the request committed is published on the way out, not left
 * for the sweeper: the queue connection must still be open when the publisher's last flush runs.
 */
describe('the API publishing what the last requests committed as it stops', () => {
  let api: TestApi;
  let org: TestOrg;
  let queue: Queue;
  const stopped: AppProcess[] = [];

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('drain');
    queue = eventsQueue();
  });
  afterAll(async () => {
    for (const server of stopped) server.child.kill('SIGKILL');
    await queue.close();
    await api.close();
  });

  it('exits at once after the HTTP drain and publishes the event of the request that finished in it', async () => {
    const server = await AppProcess.launch('api');
    stopped.push(server);
    const customer = await registerCustomer(api, org);
    // The request waits for the customer's row, held by another transaction, so it is still
    // running when the API is told to stop.
    const runner = api.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [customer.id]);
    const request = fetch(`${server.url}/v2/customers/${customer.id}/subscriptions`, {
      method: 'POST',
      headers: { authorization: org.basic, 'content-type': 'application/json' },
      body: JSON.stringify({ subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type: 'OPTOUT' }] }),
    });
    await new Promise((r) => setTimeout(r, 500));
    const exited = server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await runner.commitTransaction();
    await runner.release();

    // Bounded: a process that does not exit is a failure here, not a stuck suite.
    const within = <T>(promise: Promise<T>) => Promise.race([promise, new Promise<string>((r) => setTimeout(() => r('no answer in 15 s'), 15000))]);
    const response = await within(request);
    expect(typeof response === 'string' ? response : response.status).toBe(200);
    // Before, the client's keep-alive connection kept the process up for Fastify's 72 s keep-alive timeout.
    expect(await within(exited)).toBe(0);
    const [event] = await api.dataSource.query('SELECT id FROM events WHERE customer_id = $1', [customer.id]);
    const published = (await jobsNamed<{ eventIds: string[] }>(queue, JobName.FAN_OUT)).flatMap((j) => j.eventIds);
    expect(published).toContain(event.id);
  }, 60000);
});
