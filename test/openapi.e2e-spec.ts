import { TestApi } from '@app/testing';

/** The OpenAPI document at /docs/json describes what every route answers, in its dialect. */
describe('OpenAPI document', () => {
  let api: TestApi;
  let doc: any;

  beforeAll(async () => {
    api = await TestApi.start();
    doc = (await api.get('/docs/json')).body;
  });
  afterAll(() => api.close());

  const operations = () =>
    Object.entries<any>(doc.paths).flatMap(([path, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, op })));

  it('documents a success body for every route', () => {
    const undocumented = operations()
      .filter(({ op }) => !Object.entries<any>(op.responses).some(([code, r]) => /^2/.test(code) && r.description && r.content))
      .map(({ route }) => route);
    expect(undocumented).toEqual([]);
  });

  it("documents each route's errors in its own dialect's body", () => {
    const errorSchema = (path: string) =>
      path.startsWith('/rest/api/v1.3/') ? 'ResponsysError'
        : path.startsWith('/v2/') || path.startsWith('/v1.1/') ? 'CapillaryError'
          : path.startsWith('/api/v1.1/') ? 'AltcraftError'
            : path.startsWith('/api/v1/') ? 'WmError'
              : 'NativeError';
    const keyed = operations().filter(({ path }) => !path.startsWith('/health') && path !== '/metrics');
    expect(keyed.length).toBeGreaterThan(30);
    for (const { route, path, op } of keyed) {
      for (const status of ['400', '401', '404', '500']) {
        expect({ route, status, schema: op.responses[status]?.content?.['application/json']?.schema?.$ref }).toEqual({
          route,
          status,
          schema: `#/components/schemas/${errorSchema(path)}`,
        });
      }
    }
    expect(doc.components.schemas.ResponsysError.required).toContain('errorCode');
  });

  it('lists /metrics, the webhook payload, and the key as an opaque bearer token (not a JWT)', () => {
    expect(doc.paths['/metrics'].get.responses['200'].content['text/plain']).toBeDefined();
    expect(doc.components.securitySchemes.bearer.bearerFormat).not.toMatch(/jwt/i);
    const webhook = doc.webhooks.batch.post;
    expect(webhook.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/WebhookBatch');
    expect(webhook.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(doc.components.schemas.WebhookBatch.required).toEqual(['subscriptionName', 'callBackName', 'batchId', 'replay', 'events']);
  });
});
