import { AppProcess, registerCustomer, TestApi, TestOrg } from '@app/testing';
import { readFileSync } from 'node:fs';

/** One ingest request of 1,000 events with 4 KB of data each: about 4 MB, under the 5 MiB body limit. */
function largeIngestBody(customerId: number, tag: string): string {
  const data = { note: 'x'.repeat(4000) };
  return JSON.stringify({ events: Array.from({ length: 1000 }, (_, i) => ({ type: 'EMAIL_BOUNCED', customerId, channel: 'EMAIL', campaignId: i, campaignName: tag, data })) });
}

/** The process's resident set now (VmRSS) or at its peak (VmHWM), in MB. */
const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/**
 * What the burst may add to the resident set: the 200 MB bar less the 128 MB the built API
 * (npm run start:api) holds idle. Measured as growth, since this process runs from source
 * (ts-node), which holds more before any request.
 */
const BURST_RSS_HEADROOM_MB = 72;

describe('bounded request bodies in flight (an API capped at a 128 MB heap, as start:api runs it)', () => {
  let api: TestApi;
  let org: TestOrg;
  let server: AppProcess;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('bodies');
    server = await AppProcess.launch('api', {}, 0, ['--max-old-space-size=128', '--max-semi-space-size=8']);
  }, 60000);
  afterAll(async () => {
    await server?.kill('SIGTERM');
    await api.close();
  });

  it('survives 20 concurrent 4 MB ingest requests: each is accepted or answered 503 with Retry-After, and RSS grows less than the 200 MB bar allows', async () => {
    const customer = await registerCustomer(api, org);
    const idle = rssMb(server.child.pid!, 'VmRSS');
    const post = (body: string) =>
      fetch(`${server.url}/v1/events`, { method: 'POST', headers: { authorization: org.bearer, 'content-type': 'application/json' }, body });
    const bodies = Array.from({ length: 20 }, (_, i) => largeIngestBody(customer.id, `burst-${i}`));
    expect(Buffer.byteLength(bodies[0])).toBeGreaterThan(4_000_000);

    const answers = await Promise.all(bodies.map(async (body) => {
      const res = await post(body);
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    }));

    expect(server.child.exitCode).toBeNull();
    const accepted = answers.filter((a) => a.status === 202);
    const busy = answers.filter((a) => a.status !== 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const answer of busy) {
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Too many large requests at once; retry after a second' } });
    }
    // Every accepted request wrote its events whole; a refused one wrote nothing.
    const [{ count }] = await api.dataSource.query('SELECT count(*)::int AS count FROM events WHERE org_id = $1', [org.orgId]);
    expect(count).toBe(accepted.length * 1000);

    // Still serving, large bodies included, once the burst is over.
    expect((await post(largeIngestBody(customer.id, 'after'))).status).toBe(202);
    const peak = rssMb(server.child.pid!, 'VmHWM');
    // eslint-disable-next-line no-console
    console.log(`body budget: ${accepted.length} of 20 accepted, ${busy.length} answered 503; API peak RSS ${peak.toFixed(0)} MB (${idle.toFixed(0)} MB before the burst)`);
    expect(peak - idle).toBeLessThanOrEqual(BURST_RSS_HEADROOM_MB);
  }, 120000);
});
