import { AppProcess, freePort, registerCustomer, startLocalRedis, TestApi, TestOrg, WorkerProcess } from '@app/testing';
import { ChildProcess } from 'node:child_process';

/** Longer than a clean shutdown takes (about a second), far shorter than "until someone kills it". */
const SHUTDOWN_LIMIT_MS = 10000;

/**
 * The API is a producer only: a publish while Redis is lost must not wait for Redis to come back,
 * nor hold SIGTERM up behind it. Postgres keeps the event, and the worker's sweeper fans it out
 * once Redis is back.
 */
describe('the API shutting down after publishing with its Redis lost', () => {
  let redis: ChildProcess | undefined;
  let redisUrl: string;
  let api: TestApi;
  let org: TestOrg;
  const processes: AppProcess[] = [];

  const startRedis = (port: number) =>
    (redis = startLocalRedis(port));

  /** The exit code, or 'hung' when the process is still running after `limitMs` (it is then killed). */
  const exitWithin = (app: AppProcess, limitMs: number) =>
    new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => {
        resolve('hung');
        app.child.kill('SIGKILL');
      }, limitMs);
      void app.kill('SIGTERM').then((code) => {
        clearTimeout(timer);
        resolve(code ?? app.child.signalCode);
      });
    });

  const optOut = (server: AppProcess, customerId: number, channel: string, as: TestOrg = org) =>
    fetch(`${server.url}/v2/customers/${customerId}/subscriptions`, {
      method: 'POST',
      headers: { authorization: as.basic, 'content-type': 'application/json' },
      body: JSON.stringify({ subscriptions: [{ channel, priority: 'BULK', type: 'OPTOUT' }] }),
    });

  beforeAll(async () => {
    const port = await freePort();
    redisUrl = `redis://127.0.0.1:${port}/0`;
    startRedis(port);
    api = await TestApi.start();
    org = await api.createOrg('api-shutdown');
  }, 60000);

  afterAll(async () => {
    try {
      for (const app of processes) app.child.kill('SIGKILL');
      await api?.close();
    } finally {
      redis?.kill('SIGKILL');
    }
  });

  it('starts without its Redis: readiness says so within seconds, writes are recorded, and SIGTERM still exits', async () => {
    const deadPort = await freePort();
    const server = await AppProcess.launch('api', { REDIS_URL: `redis://127.0.0.1:${deadPort}/0` }, 0, [], '/health');
    processes.push(server);
    const started = Date.now();
    const ready = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
    expect({ status: ready.status, withinMs: Date.now() - started < 3000 }).toEqual({ status: 503, withinMs: true });
    // An org of its own: the next test counts its org's events.
    const own = await api.createOrg('api-no-redis');
    const customer = await registerCustomer(api, own);
    expect((await optOut(server, customer.id, 'EMAIL', own)).status).toBe(200);
    expect(await exitWithin(server, SHUTDOWN_LIMIT_MS)).toBe(0);
  }, 60000);

  it('exits with 0 within seconds of SIGTERM, and the event it could not publish is fanned out once Redis is back', async () => {
    const server = await AppProcess.launch('api', { REDIS_URL: redisUrl });
    processes.push(server);
    const customer = await registerCustomer(api, org);
    expect((await optOut(server, customer.id, 'EMAIL')).status).toBe(200);

    const port = Number(new URL(redisUrl).port);
    redis!.kill('SIGKILL');
    await new Promise((resolve) => redis!.once('exit', resolve));

    expect((await optOut(server, customer.id, 'SMS')).status).toBe(200);
    const ledger = await api.dataSource.query(
      'SELECT channel, status FROM consent_ledger WHERE org_id = $1 AND customer_id = $2 ORDER BY channel',
      [org.orgId, customer.id],
    );
    expect(ledger).toEqual([
      { channel: 'EMAIL', status: 'OPTOUT' },
      { channel: 'SMS', status: 'OPTOUT' },
    ]);

    const started = Date.now();
    const exit = await exitWithin(server, SHUTDOWN_LIMIT_MS);
    expect({ exit, output: exit === 0 ? '' : server.output.join('').slice(-2000) }).toEqual({ exit: 0, output: '' });
    // eslint-disable-next-line no-console
    console.log(`API shutdown with Redis lost took ${Date.now() - started} ms`);

    // Redis comes back empty: the worker's sweeper finds both events in the outbox.
    const events = () =>
      api.dataSource.query('SELECT type, fanned_out_at IS NOT NULL AS fanned FROM events WHERE org_id = $1 ORDER BY type', [org.orgId]);
    expect((await events()).map((e: { type: string }) => e.type)).toEqual(['EMAIL_OPTOUT', 'SMS_OPT_OUT']);
    startRedis(port);
    const worker = await WorkerProcess.start({ REDIS_URL: redisUrl, SWEEP_INTERVAL_MS: '300' });
    processes.push(worker);
    const deadline = Date.now() + 15000;
    while (!(await events()).every((e: { fanned: boolean }) => e.fanned) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await events()).toEqual([
      { type: 'EMAIL_OPTOUT', fanned: true },
      { type: 'SMS_OPT_OUT', fanned: true },
    ]);
    expect(await exitWithin(worker, SHUTDOWN_LIMIT_MS)).toBe(0);
  }, 90000);
});
