import { BatchesService } from '@app/domain';
import { QueueName } from '@app/queues';
import { createSubscription, TestApi, TestOrg } from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { FlushScheduler } from '../apps/worker/src/flush-scheduler';

const EXPIRE_LOCK_SQL = `SELECT pg_try_advisory_xact_lock(hashtextextended('optline:expire-held', 0))`;

describe('the sweeper costs the same with a backlog: bounded expiry, one worker at a time, deduplicated flushes', () => {
  let api: TestApi;
  let org: TestOrg;
  let batches: BatchesService;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('sweeper');
    batches = new BatchesService(api.dataSource);
  });
  afterAll(() => api.close());

  /** Held deliveries of a new PAUSED subscription: `old` of them 20 days old, `young` of them new. */
  const heldDeliveries = async (old: number, young: number) => {
    const sub = await createSubscription(api, org, { url: 'http://127.0.0.1:1/', eventTypes: ['EMAIL_FAILED'], status: 'PAUSED' });
    const ids = Array.from({ length: old + young }, () => randomUUID());
    await api.dataSource.query(
      `INSERT INTO events (id, org_id, type, payload, occurred_at, fanned_out_at) SELECT id, $2, 'EMAIL_FAILED', '{}', now(), now() FROM unnest($1::uuid[]) AS id`,
      [ids, org.orgId],
    );
    await api.dataSource.query(
      `INSERT INTO deliveries (org_id, subscription_id, event_id, created_at)
       SELECT $2, $3, e, CASE WHEN n <= $4 THEN now() - interval '20 days' ELSE now() END FROM unnest($1::uuid[]) WITH ORDINALITY AS x(e, n)`,
      [ids, org.orgId, sub.id, old],
    );
    return sub;
  };
  const states = async (subscriptionId: string) =>
    Object.fromEntries(
      (
        await api.dataSource.query(`SELECT state, count(*)::int AS n FROM deliveries WHERE subscription_id = $1 GROUP BY state`, [subscriptionId])
      ).map((r: { state: string; n: number }) => [r.state, r.n]),
    );

  it('expires held deliveries past WEBHOOK_HOLD_DAYS at most a chunk per call, oldest first, and keeps younger ones', async () => {
    const sub = await heldDeliveries(12, 2);
    const runs: Array<number | null> = [];
    for (let i = 0; i < 4; i++) runs.push(await batches.expireHeld(15, 5));
    expect(runs).toEqual([5, 5, 2, 0]);
    expect(await states(sub.id)).toEqual({ EXPIRED: 12, PENDING: 2 });
  });

  it('lets one worker at a time expire: another skips while the lock is held', async () => {
    const sub = await heldDeliveries(3, 0);
    const other = api.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      expect((await other.query(EXPIRE_LOCK_SQL))[0].pg_try_advisory_xact_lock).toBe(true);
      expect(await batches.expireHeld(15, 5)).toBeNull();
      expect(await states(sub.id)).toEqual({ PENDING: 3 });
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    expect(await batches.expireHeld(15, 5)).toBe(3);
  });

  it('adds one sweep flush per subscription and period, however many workers sweep', async () => {
    const queue = api.app.get<Queue>(getQueueToken(QueueName.DELIVERIES));
    const subscriptionId = randomUUID();
    const jobsOf = async () =>
      (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j: Job) => j.data?.subscriptionId === subscriptionId);
    // Two workers' schedulers, on one long period so that both sweeps fall in it.
    const schedulers = [new FlushScheduler(queue), new FlushScheduler(queue)];
    await Promise.all(schedulers.map((s) => s.fromSweep([subscriptionId], 3_600_000)));
    await schedulers[0].fromSweep([subscriptionId], 3_600_000);
    expect(await jobsOf()).toHaveLength(1);
    // The fast path (new events) is not deduplicated: a flush added there must never be dropped.
    await schedulers[0].now([subscriptionId]);
    expect(await jobsOf()).toHaveLength(2);
    for (const job of await jobsOf()) await job.remove();
  });
});
