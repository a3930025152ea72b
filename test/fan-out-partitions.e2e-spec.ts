import { drainPartitions, FanOutService, partitionOfOrg, slotsOf } from '@app/domain';
import { createSubscription, TestApi, TestOrg } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';

const PARTITIONS = 4;
const FAN_OUT_LOCK = 7_401_222;

describe('fan-out by partition: workers fan out different orgs at once, each subscription in order', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  /** Unfanned events of the org, inserted `count` at a time, as a request's transaction would. */
  const addEvents = async (org: TestOrg, count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await api.dataSource.query(
      `INSERT INTO events (id, org_id, type, payload, occurred_at)
       SELECT id, $2, 'EMAIL_SENT', '{}', now() FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n) ORDER BY n`,
      [ids, org.orgId],
    );
  };
  /** The subscription's deliveries in delivery order, as the seq of their events. */
  const deliveredSeqs = async (subscriptionId: string): Promise<number[]> =>
    (
      await api.dataSource.query(
        `SELECT e.seq FROM deliveries d JOIN events e ON e.org_id = d.org_id AND e.id = d.event_id WHERE d.subscription_id = $1 ORDER BY d.id`,
        [subscriptionId],
      )
    ).map((r: { seq: string }) => Number(r.seq));
  const unfanned = async (orgId: string): Promise<number> =>
    (await api.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE org_id = $1 AND fanned_out_at IS NULL`, [orgId]))[0].n;
  const drain = (fanOut: FanOutService, passes: number[] = []) =>
    drainPartitions(fanOut, {
      partitions: PARTITIONS,
      eventsPerPass: 50,
      retryMs: 10,
      onPass: async (result) => {
        passes.push(result.events);
      },
    });

  it('two workers draining at once make every delivery exactly once, each subscription in event order', async () => {
    const orgs = await Promise.all(Array.from({ length: 8 }, (_, i) => api.createOrg(`fan-${i}`)));
    const subscriptions = await Promise.all(
      orgs.map((org) => createSubscription(api, org, { url: 'http://127.0.0.1:1/', eventTypes: ['EMAIL_SENT'], status: 'PAUSED' })),
    );
    // Several commits per org, interleaved across orgs.
    for (let round = 0; round < 5; round++) for (const org of orgs) await addEvents(org, 60);

    const passes: number[][] = [[], []];
    await Promise.all([drain(new FanOutService(api.dataSource), passes[0]), drain(new FanOutService(api.dataSource), passes[1])]);

    // Both took part. (Their totals are not compared with ours: a drain also takes any event
    // another test file left unfanned in this database.)
    expect(passes[0].length).toBeGreaterThan(0);
    expect(passes[1].length).toBeGreaterThan(0);
    for (const [i, org] of orgs.entries()) {
      const seqs = await deliveredSeqs(subscriptions[i].id);
      expect(seqs).toHaveLength(5 * 60);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(await unfanned(org.orgId)).toBe(0);
    }
  });

  /** Orgs until two fall in different partitions. */
  const orgsInTwoPartitions = async (): Promise<[TestOrg, TestOrg]> => {
    const first = await api.createOrg('held');
    for (;;) {
      const other = await api.createOrg('free');
      if (partitionOfOrg(other.orgId, PARTITIONS) !== partitionOfOrg(first.orgId, PARTITIONS)) return [first, other];
    }
  };
  /** Another worker's pass in the middle of partition `partition`: its slot locks, held until released. */
  const holdPartition = async (partition: number): Promise<QueryRunner> => {
    const other = api.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query('SELECT pg_advisory_xact_lock($1, slot) FROM unnest($2::int[]) AS slot', [FAN_OUT_LOCK, slotsOf(partition, PARTITIONS)]);
    return other;
  };

  it('does not wait for a partition another worker holds: it fans out the others, then the held one once free', async () => {
    const [heldOrg, freeOrg] = await orgsInTwoPartitions();
    for (const org of [heldOrg, freeOrg]) {
      await createSubscription(api, org, { url: 'http://127.0.0.1:1/', eventTypes: ['EMAIL_SENT'], status: 'PAUSED' });
      await addEvents(org, 30);
    }
    const fanOut = new FanOutService(api.dataSource);
    const held = await holdPartition(partitionOfOrg(heldOrg.orgId, PARTITIONS));
    let drained = false;
    try {
      expect(await fanOut.fanOutPartition(partitionOfOrg(heldOrg.orgId, PARTITIONS), PARTITIONS)).toBeNull();
      const draining = drain(fanOut).then(() => (drained = true));
      // The free partition is fanned out while the other stays held.
      for (let i = 0; i < 100 && (await unfanned(freeOrg.orgId)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await unfanned(freeOrg.orgId)).toBe(0);
      expect(await unfanned(heldOrg.orgId)).toBe(30);
      expect(drained).toBe(false);
      await held.rollbackTransaction();
      await draining;
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
    expect(await unfanned(heldOrg.orgId)).toBe(0);
  });
});
