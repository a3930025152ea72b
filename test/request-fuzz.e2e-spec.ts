import { FuzzRequest, fuzzRequest, fuzzRoutes, registerCustomer, TestApi, TestOrg, unknownPaths } from '@app/testing';
import fc from 'fast-check';

/**
 * Every route, walked from the OpenAPI document, gets generated bad requests: none may answer 5xx,
 * every refusal uses the dialect's error body, and no refusal writes a row. Replay a failure with
 * FUZZ_SEED=<the printed seed>; FUZZ_RUNS raises the count.
 */
/**
 * A fixed seed by default, so `npm test` (and CI) sends the same 10,000 requests every time and a
 * red run is a regression, not luck; `FUZZ_SEED=random` explores new ground (and prints its seed).
 */
const DEFAULT_SEED = 20261201;
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const BATCH = 25;
const RUNS = Number(process.env.FUZZ_RUNS ?? 404);

type Dialect = 'capillary' | 'altcraft' | 'wm' | 'responsys' | 'native';

/** Longest prefix first: `/api/v1.1/` is Altcraft's, `/api/v1/` WM's, `/v1/` optline's own. */
const DIALECT_PREFIXES: Array<[string, Dialect]> = [
  ['/rest/api/v1.3/notifications/', 'responsys'],
  ['/api/v1.1/', 'altcraft'],
  ['/api/v1/', 'wm'],
  ['/v1.1/', 'capillary'],
  ['/v2/', 'capillary'],
];

const dialectOf = (url: string): Dialect => DIALECT_PREFIXES.find(([prefix]) => url.startsWith(prefix))?.[1] ?? 'native';

/** Does a refusal carry the dialect's error body? */
function isDialectErrorBody(dialect: Dialect, body: any, text: string): boolean {
  switch (dialect) {
    case 'capillary':
      // v1.1 answers in its own envelope: `{ response: { status: { success: 'false', code, message } } }`.
      if (body?.response?.status?.success === 'false') return typeof body.response.status.code === 'number';
      return Array.isArray(body?.errors) && body.errors.length > 0 && body.errors.every((e: any) => typeof e.code === 'number' && typeof e.message === 'string') && Array.isArray(body.warnings);
    case 'altcraft':
      return typeof body?.error === 'number' && body.error !== 0 && typeof body.error_text === 'string';
    case 'wm':
      return (body?.status === 'Failure' && Array.isArray(body.errors)) || /<status>Failure<\/status>/.test(text);
    case 'responsys':
      return body?.type === '' && typeof body.errorCode === 'string' && typeof body.detail === 'string' && Array.isArray(body.errorDetails);
    case 'native':
      return typeof body?.error?.code === 'string' && typeof body.error.message === 'string';
  }
}

describe('request fuzzer', () => {
  let api: TestApi;
  let org: TestOrg;
  let countRows: () => Promise<string>;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('fuzz');
    const tables: Array<{ table_name: string }> = await api.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'`,
    );
    const sql = `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t.table_name}") AS "${t.table_name}"`).join(', ')}`;
    countRows = async () => JSON.stringify((await api.dataSource.query(sql))[0]);
  });
  afterAll(() => api.close());

  it(`answers ${RUNS * BATCH} generated bad requests with 4xx in the dialect's body, writing nothing`, async () => {
    // eslint-disable-next-line no-console
    console.log(`request fuzzer seed: ${SEED} (replay with FUZZ_SEED=${SEED})`);
    const customer = await registerCustomer(api, org);
    const document = (await api.get('/docs/json')).body;
    // Health answers 503 by design when Postgres or Redis is down.
    const routes = fuzzRoutes(document, (template) => template.startsWith('/health'));
    const request = fc.oneof(
      { weight: 30, arbitrary: fuzzRequest(routes, { authorizations: [org.basic, org.bearer], knownIds: [String(customer.id)] }) },
      { weight: 1, arbitrary: unknownPaths(['/v2/', '/v1.1/', '/api/v1.1/', '/api/v1/', '/rest/api/v1.3/notifications/', '/v1/']) },
    );
    const tally = new Map<number, number>();
    // Failures are collected, not thrown, so that one run shows every class of defect at once.
    const failures = new Map<string, string>();
    const fail = (kind: string, req: FuzzRequest, answer: { status: number; text: string }) => {
      const key = `${kind} ${req.method} ${req.url.split('?')[0].replace(/\/[^/]*\d[^/]*/g, '/:x').slice(0, 60)} ${answer.status}`;
      if (!failures.has(key)) failures.set(key, `${req.method} ${req.url.slice(0, 160)} ${String(req.payload ?? '').slice(0, 160)} -> ${answer.text.slice(0, 200)}`);
    };
    let sent = 0;

    const send = async (req: FuzzRequest) => {
      const response = await api.app.inject({ method: req.method, url: req.url, headers: req.headers, payload: req.payload });
      sent += 1;
      tally.set(response.statusCode, (tally.get(response.statusCode) ?? 0) + 1);
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        body = undefined;
      }
      return { status: response.statusCode, body, text: response.body };
    };

    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const before = await countRows();
        const answers = await Promise.all(batch.map(send));
        answers.forEach((answer, i) => {
          if (answer.status >= 500) fail('5xx', batch[i], answer);
          else if (answer.status >= 400 && !isDialectErrorBody(dialectOf(batch[i].url), answer.body, answer.text)) {
            fail(`not-${dialectOf(batch[i].url)}-body`, batch[i], answer);
          }
        });
        // A request that happened to be valid may write; a batch of refusals must not.
        const after = await countRows();
        if (answers.every((a) => a.status >= 400) && after !== before) {
          fail('wrote', batch[0], { status: 0, text: `${before} -> ${after}: ${batch.map((b) => `${b.method} ${b.url.slice(0, 80)}`).join(' | ')}` });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // eslint-disable-next-line no-console
    console.log(`request fuzzer: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(tally))}`);
    expect(sent).toBeGreaterThanOrEqual(Math.min(10_000, RUNS * BATCH));
    expect(Object.fromEntries(failures)).toEqual({});
  }, 120_000);
});
