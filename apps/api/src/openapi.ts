import { OpenAPIObject } from '@nestjs/swagger';
import { Dialect, dialectOfPath } from './common/route-error-bodies';

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const nullable = (schema: Schema) => ({ ...schema, nullable: true });
const obj = (properties: Record<string, Schema>, required?: string[]): Schema => ({ type: 'object', properties, ...(required ? { required } : {}) });
const list = (items: Schema): Schema => ({ type: 'array', items });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** Each dialect's error body, as its exception filter renders it. */
const ERROR_SCHEMAS: Record<Dialect, [name: string, schema: Schema]> = {
  capillary: ['CapillaryError', obj({ errors: list(obj({ code: int, message: str })), warnings: list(obj({ code: int, message: str })) }, ['errors', 'warnings'])],
  responsys: [
    'ResponsysError',
    obj({ type: str, title: str, errorCode: str, detail: str, errorDetails: list(obj({ field: str, detail: str })) }, ['type', 'title', 'errorCode', 'detail', 'errorDetails']),
  ],
  altcraft: ['AltcraftError', obj({ error: { type: 'integer', description: 'the HTTP status' }, error_text: str }, ['error', 'error_text'])],
  wm: [
    'WmError',
    obj({ status: { type: 'string', enum: ['Failure', 'Error'] }, request_tracking_id: str, errors: list(obj({ field: str, message: str })) }, ['status', 'errors']),
  ],
  native: ['NativeError', obj({ error: obj({ code: str, message: str, details: list(obj({ field: str, message: str })) }, ['code', 'message']) }, ['error'])],
};

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid input; nothing was written',
  '401': 'Missing, wrong or revoked API key',
  '404': 'No such object in the caller\'s org, or no such route',
  '413': 'Body over 5 MiB',
  '415': 'A Content-Type optline does not read',
  '429': 'Over a rate limit (README "Rate limits"); Retry-After says when to try again',
  '500': 'Unexpected failure; the message carries an error id found in the logs',
};

const callback = obj({ callBackName: str, callBackUrl: str, backupUrl: str, authentication: obj({ type: str, userName: str }) });
const subscription = obj({
  subscriptionName: str,
  callBackUrl: str,
  callBackName: str,
  batchSize: int,
  eventTypes: list(str),
  status: { type: 'string', enum: ['ACTIVE', 'PAUSED'] },
  statusReason: str,
  filters: list(obj({ eventTypes: list(str), values: list(obj({ campaignNames: list(str) })) })),
});
const deleted = obj({ message: str, status: bool });
const capillarySubscriptions = obj({ subscriptions: list(obj({ channel: str, accountId: str, priority: str, type: str })), campaignId: int, communicationId: int, warnings: list(obj({ code: int, message: str })) });
const decision = obj({ allowed: bool, status: str, decidedBy: nullable({ type: 'object' }), addresses: list({ type: 'object' }), mergedInto: int });
const identities = obj({ customerId: int, identities: list(obj({ type: str, value: str, source: str, accountId: str })) });
const wmAnswer = obj({ status: str, request_tracking_id: str, preferences: list({ type: 'object' }) });
const health = obj({ status: str });
const branding = obj({ org: str, displayName: nullable(str), logoUrl: nullable(str), accentColor: nullable(str) });

/** What each route answers on success: [status, description, body schema]. Every route must have one (test/openapi.e2e-spec.ts). */
const SUCCESS: Record<string, [status: number, description: string, schema: Schema]> = {
  'GET /health': [200, 'The process is up', health],
  'GET /health/ready': [200, 'Postgres and Redis answer', health],
  'GET /metrics': [200, 'Prometheus text format', str],
  'POST /v2/customers': [200, 'The customer id, and warnings such as 8051', obj({ createdId: int, warnings: list({ type: 'object' }) })],
  'POST /v2/customers/{id}/changeIdentifier': [200, 'Applied; a merge is warning 8051', obj({ success: bool, warnings: list({ type: 'object' }) })],
  'GET /v2/customers/lookup': [200, 'The customer id', obj({ entity: int, warnings: list({ type: 'object' }) })],
  'GET /v2/customers/lookup/subscriptions': [200, 'The subscriptions', capillarySubscriptions],
  'GET /v2/customers/{id}': [200, 'The customer, its profiles and (embed=subscriptions) subscriptionInfo', obj({ id: int, profiles: list({ type: 'object' }), warnings: list({ type: 'object' }) })],
  'GET /v2/customers/{id}/subscriptions': [200, 'The subscriptions', capillarySubscriptions],
  'POST /v2/customers/{id}/subscriptions': [200, 'The changes applied; unchanged items as warnings 1108/1109', capillarySubscriptions],
  'GET /v2/customers/{id}/subscriptionStatusChangeLog': [200, 'A page of ledger rows', obj({ pagination: obj({ limit: int, offset: int, total: int }), data: list({ type: 'object' }), warnings: list({ type: 'object' }) })],
  'POST /v1.1/customer/subscriptions': [200, 'Each item with its item_status', obj({ response: obj({ status: obj({ success: str, code: int, message: str }), subscriptions: { type: 'object' } }) })],
  'GET /v1/subscriptions/{name}/deliveries': [200, 'Batches newest first, with every attempt', obj({ total: int, limit: int, offset: int, batches: list({ type: 'object' }) })],
  'GET /v1/subscriptions/{name}/stats': [200, 'Deliveries by state', obj({ pending: int, held: int, inFlight: int, delivered: int, failed: int, expired: int, skipped: int })],
  'POST /v1/deliveries/{batchId}/redeliver': [202, 'The batch is in line again', obj({ batchId: str, state: str })],
  'POST /v1/subscriptions/{name}/replay': [202, 'How many events were put in new replay batches', obj({ replayed: int })],
  'POST /rest/api/v1.3/notifications/callbacks': [201, 'The callback, with its signing secret (shown this once)', { allOf: [callback, obj({ signingSecret: str })] }],
  'GET /rest/api/v1.3/notifications/callbacks': [200, 'The callbacks, by name', list(callback)],
  'GET /rest/api/v1.3/notifications/callbacks/{callbackName}': [200, 'The callback (or, with ?action=verify, the verify result)', callback],
  'PUT /rest/api/v1.3/notifications/callbacks/{callbackName}': [200, 'The callback as replaced', callback],
  'DELETE /rest/api/v1.3/notifications/callbacks/{callbackName}': [200, 'Deleted', deleted],
  'GET /rest/api/v1.3/notifications/callbacks/{callbackName}/subscriptions': [200, 'The subscriptions that send to it', list(subscription)],
  'GET /rest/api/v1.3/notifications/callbacks/{callbackName}/actions/verify': [200, 'What the receiver answered (200 whatever it said)', obj({ callBackName: str, callBackUrl: str, success: bool, statusCode: nullable(int), durationMs: int, error: nullable(str), backup: { type: 'object' } })],
  'POST /rest/api/v1.3/notifications/callbacks/{callbackName}/actions/rotateSecret': [200, 'The callback with its new secret', { allOf: [callback, obj({ signingSecret: str, previousSecretExpiresAt: str })] }],
  'POST /rest/api/v1.3/notifications/subscriptions': [201, 'The subscription', subscription],
  'GET /rest/api/v1.3/notifications/subscriptions': [200, 'The subscriptions, by name', list(subscription)],
  'GET /rest/api/v1.3/notifications/subscriptions/{subscriptionName}': [200, 'The subscription', subscription],
  'PUT /rest/api/v1.3/notifications/subscriptions/{subscriptionName}': [200, 'The subscription as updated', subscription],
  'DELETE /rest/api/v1.3/notifications/subscriptions/{subscriptionName}': [200, 'Deleted', deleted],
  'GET /rest/api/v1.3/notifications/eventList': [200, 'Every event type', list(obj({ eventType: str, channel: nullable(str), description: str }))],
  'POST /v1/events': [202, 'Written, with the event ids in request order', obj({ accepted: int, eventIds: list(str), superseded: list(str) })],
  'GET /v1/customers/{id}/consent': [200, 'The decision and the record that made it', decision],
  'POST /v1/consent/decisions': [200, 'One decision per question, in request order', obj({ decisions: list(decision) })],
  'PUT /v1/customers/{id}/consents': [200, 'applied, unchanged or superseded, with the record that stands', obj({ customerId: int, result: { type: 'string', enum: ['applied', 'unchanged', 'superseded'] }, changed: bool, record: { type: 'object' }, ledgerId: nullable(int), supersededBy: { type: 'object' } })],
  'POST /api/v1.1/subscriptions/set': [200, 'What the call did, in Altcraft\'s flags', obj({ data: obj({ action: str, is_new_channel: bool, is_new_contact: bool, is_new_subscription: bool, is_restored: bool, is_safe: bool }), error: int, error_text: str })],
  'PUT /api/v1/customers/{customerId}/communication-preferences': [200, 'Written', wmAnswer],
  'GET /api/v1/customers/{customerId}/communication-preferences': [200, 'The preferences, in the PUT body\'s shape (JSON or XML)', wmAnswer],
  'GET /v1/customers/{id}/identities': [200, 'The identities', identities],
  'POST /v1/customers/{id}/identities': [201, 'Attached (200 when it already was); customers merged into this one', obj({ customerId: int, identity: { type: 'object' }, alreadyAttached: bool, merged: list(obj({ customerId: int, conflicts: list({ type: 'object' }) })) })],
  'DELETE /v1/customers/{id}/identities/{type}/{value}': [200, 'Detached', identities],
  'POST /v1/unsubscribe-links': [
    200,
    'Per item, in request order: the page and one-click URLs and the List-Unsubscribe headers, or its error',
    obj({ items: list(obj({ url: str, oneClickUrl: str, headers: obj({ 'List-Unsubscribe': str, 'List-Unsubscribe-Post': str }), error: { type: 'object' } })) }),
  ],
  'GET /v1/org/branding': [200, "The org's branding on the person's pages", branding],
  'PUT /v1/org/branding': [200, 'The branding as stored', branding],
  'GET /v1/customers/{id}/export': [200, 'Everything held about the person: profiles, identifiers, consents, the ledger with its proof, events with their deliveries', { type: 'object' }],
  'DELETE /v1/customers/{id}': [
    200,
    'Erased: personal data removed everywhere, opt-outs kept as keyed hashes',
    obj({ erased: bool, customerIds: list(int), suppressedAddresses: int }),
  ],
};

/** The body of every webhook (libs/webhooks/src/webhook-payload.ts). */
const WEBHOOK_BATCH = obj(
  {
    subscriptionName: str,
    callBackName: str,
    batchId: { type: 'string', description: 'equals the webhook-id header; the same on every retry' },
    replay: bool,
    events: list(
      obj(
        {
          eventId: str,
          eventType: str,
          occurredAt: { type: 'string', format: 'date-time' },
          customerId: nullable(int),
          recipient: nullable(str),
          campaignId: nullable(str),
          campaignName: nullable(str),
          channelType: nullable(str),
          failureType: str,
          failureReason: str,
          consent: { type: 'object', description: 'consent events: channel, topic, accountId, address, status, previousStatus, source …' },
          confirmUrl: { type: 'string', format: 'uri', description: '<CHANNEL>_OPTIN_REQUESTED: the link the person follows to confirm (double opt-in)' },
          merge: { type: 'object', description: 'CUSTOMER_MERGED: survivorId, victimId, conflicts' },
          data: { type: 'object' },
        },
        ['eventId', 'eventType', 'occurredAt', 'customerId', 'recipient', 'campaignId', 'campaignName', 'channelType'],
      ),
    ),
  },
  ['subscriptionName', 'callBackName', 'batchId', 'replay', 'events'],
);

const WEBHOOK_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
  name,
  in: 'header',
  required: true,
  schema: str,
}));

/**
 * Completes what the decorators give: each route's success body and its dialect's error bodies,
 * and the webhook optline sends (OpenAPI 3.1 `webhooks`).
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas: Record<string, unknown> = { ...(document.components?.schemas ?? {}), WebhookBatch: WEBHOOK_BATCH };
  for (const [name, schema] of Object.values(ERROR_SCHEMAS)) schemas[name] = schema;
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, { responses: Record<string, { content?: unknown }> }>)) {
      // A success body declared on the route itself (@ApiOkResponse with a DTO) is the more
      // precise one and stays; otherwise this table gives it.
      const declared = Object.entries(operation.responses).some(([code, r]) => /^2/.test(code) && r.content);
      const success = SUCCESS[`${method.toUpperCase()} ${path}`];
      if (!declared && !success) continue; // the test names it
      const responses: Record<string, unknown> = {};
      if (!declared) {
        const [status, description, schema] = success;
        const contentType = path === '/metrics' ? 'text/plain' : 'application/json';
        responses[status] = { description, content: { [contentType]: { schema } } };
      }
      if (!path.startsWith('/health') && path !== '/metrics') {
        const error = { content: { 'application/json': { schema: ref(ERROR_SCHEMAS[dialectOfPath(path)][0]) } } };
        for (const [code, text] of Object.entries(ERROR_STATUSES)) responses[code] = { description: text, ...error };
      }
      // Of the success answers, keep the declared ones with a body, or the one from the table.
      const keeps = (code: string, r: { content?: unknown }) => !/^2/.test(code) || (declared ? r.content !== undefined : code === String(success[0]));
      const kept = Object.fromEntries(Object.entries(operation.responses).filter(([code, r]) => keeps(code, r)));
      operation.responses = { ...kept, ...(responses as typeof kept) };
    }
  }
  return {
    ...document,
    openapi: '3.1.0',
    components: { ...document.components, schemas: schemas as never },
    webhooks: {
      batch: {
        post: {
          summary: 'A batch of events, signed per Standard Webhooks, to each subscription\'s callback URL',
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookBatch') } } },
          responses: { '2XX': { description: 'Acknowledged; anything else is retried on the schedule' } },
        },
      },
    },
  } as OpenAPIObject;
}
