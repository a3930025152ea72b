import fc from 'fast-check';

/**
 * Generated bad requests for every route of an OpenAPI document: wrong types, missing and extra
 * fields, huge and deeply nested values, NUL bytes and lone surrogates, odd encodings, bad ids,
 * bad headers. Every body is a valid-looking sample with at least one defect, so a route should
 * answer 4xx and write nothing.
 */

type Schema = Record<string, any>;

export interface FuzzRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The OpenAPI path template, `/v2/customers/{id}`. */
  template: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  body?: Schema;
}

export interface FuzzRequest {
  method: FuzzRoute['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** Values a caller may hold legitimately, so that generated requests also reach existing objects. */
export interface FuzzContext {
  /** Authorization header values of a real org. */
  authorizations: string[];
  /** Path values that name existing objects of that org (customer ids, callback names ...). */
  knownIds: string[];
}

export function fuzzRoutes(document: Schema, skip: (template: string) => boolean): FuzzRoute[] {
  const routes: FuzzRoute[] = [];
  for (const [template, operations] of Object.entries<Schema>(document.paths)) {
    if (skip(template)) continue;
    for (const [method, operation] of Object.entries<Schema>(operations)) {
      const params: Schema[] = operation.parameters ?? [];
      const named = (where: string) => params.filter((p) => p.in === where).map((p) => p.name as string);
      const body = operation.requestBody?.content?.['application/json']?.schema;
      routes.push({
        method: method.toUpperCase() as FuzzRoute['method'],
        template,
        pathParams: named('path'),
        queryParams: named('query'),
        headerParams: named('header'),
        body: body ? resolve(document, body) : undefined,
      });
    }
  }
  return routes;
}

/** Inlines `$ref` and `allOf` so that the sampler sees plain schemas. */
function resolve(document: Schema, schema: Schema, depth = 0): Schema {
  if (depth > 8) return {};
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return resolve(document, document.components.schemas[name], depth + 1);
  }
  if (schema.allOf) return schema.allOf.reduce((all: Schema, part: Schema) => ({ ...all, ...resolve(document, part, depth + 1) }), {});
  const resolved: Schema = { ...schema };
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries<Schema>(schema.properties).map(([key, value]) => [key, resolve(document, value, depth + 1)]),
    );
  }
  if (schema.items) resolved.items = resolve(document, schema.items, depth + 1);
  return resolved;
}

/** A valid-looking value of a schema: its example, its first enum value, or a plain one of its type. */
function sample(schema: Schema, key = ''): unknown {
  // Never a routable URL: a body that happens to be valid must not make the API call out.
  if (/url$/i.test(key)) return 'http://127.0.0.1:9/fuzz';
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.properties || schema.type === 'object') {
    return Object.fromEntries(Object.entries<Schema>(schema.properties ?? {}).map(([k, v]) => [k, sample(v, k)]));
  }
  switch (schema.type) {
    case 'array':
      return [sample(schema.items ?? {})];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    default:
      return schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : 'x';
  }
}

const deepArray = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels));
const deepObject = (levels: number) => JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));

/** Numbers as text that are not the decimal integer a bigint holds, or are but name nothing. */
const BAD_NUMERALS = ['99999999999999999999', '9223372036854775808', '0x1', '1e3', '-1', '0', '1.5'];

/** Strings that broke parsers, drivers or Postgres somewhere. */
const BAD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  ...BAD_NUMERALS,
  '-99999999999999999999',
  ' 1',
  '١٢',
  'NaN',
  '%00',
  "'; DROP TABLE orgs; --",
  '<x>&amp;</x>',
  '__proto__',
  'x'.repeat(70_000),
];

const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    [],
    {},
    true,
    0,
    -1,
    1.5,
    2 ** 53,
    99999999999999999999,
    1e308,
    -1e308,
    [null],
    [[[]]],
    { __proto__: { polluted: true } },
  ),
  fc.constantFrom(...BAD_STRINGS),
  fc.constant(null).map(() => deepArray(3000)),
  fc.constant(null).map(() => deepObject(3000)),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every location inside a sample, as key paths (a deep value planted earlier counts as one). */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const own = [prefix];
  if (prefix.length >= 6) return own;
  if (Array.isArray(value)) return own.concat(...value.map((item, i) => pathsOf(item, [...prefix, i])));
  if (value && typeof value === 'object') {
    return own.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  }
  return own;
}

type Mutation = { kind: 'set' | 'delete' | 'extra'; pick: number; value: unknown; extraKey: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'extra'),
  pick: fc.nat(),
  value: badValue,
  extraKey: fc.constantFrom('unknownField', '__proto__', 'constructor', '', '\u0000', 'a'.repeat(300)),
});

const asSentJson = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? value : JSON.parse(text);
};

function mutate(body: unknown, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(body);
  for (const generated of mutations) {
    // Each insertion gets a copy of its own, as the JSON it will be sent as: a value fast-check
    // shares between mutations ([], {} ...) could otherwise end up inside itself, a circular body
    // no client can send. (A JSON round trip, not structuredClone: values nest thousands deep.)
    const m = { ...generated, value: asSentJson(generated.value) };
    const paths = pathsOf(root);
    const path = paths[m.pick % paths.length];
    if (path.length === 0) {
      root = m.kind === 'extra' && root && typeof root === 'object' ? { ...root, [m.extraKey]: m.value } : m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], root);
    const key = path[path.length - 1];
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.kind === 'extra' && parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key])) {
      parent[key][m.extraKey] = m.value;
    } else {
      parent[key] = m.value;
    }
  }
  return root;
}

/** Bodies that are not what any route takes, byte for byte. */
const RAW_BODIES: (string | Buffer)[] = [
  '',
  'null',
  '[]',
  '"text"',
  '123',
  '{',
  '{"a":1,}',
  '{"a":"\\u0000"}',
  '{"a":"\\ud800"}',
  '{"events":[{"id":"\\udc00"}]}',
  '['.repeat(2400) + ']'.repeat(2400),
  '{"a":'.repeat(2400) + '1' + '}'.repeat(2400),
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  '<root><subscription/></root>',
];

const badPathValue = fc.oneof(
  fc.constantFrom(
    ...BAD_NUMERALS,
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%E0%A4%A',
    '%',
    '%zz',
    '%2F',
    '..',
    '%20',
    '%F0%9F%98%80',
    'a'.repeat(101),
    'a'.repeat(5000),
    encodeURIComponent('١٢'),
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)),
);

const badQueryValue = fc.oneof(
  fc.constantFrom(
    '99999999999999999999',
    '9223372036854775808',
    '-1',
    '1e400',
    'NaN',
    '%00',
    '%ED%A0%80',
    '%',
    '',
    'x'.repeat(5000),
    '0x10',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => encodeURIComponent(s)),
);

const queryPart = (names: string[]) =>
  fc
    .tuple(
      fc.subarray([...names, 'unknownParam', 'offset', 'limit']),
      fc.array(badQueryValue, { minLength: 5, maxLength: 5 }),
      fc.boolean(),
    )
    .map(([chosen, values, repeat]) => {
      const pairs = chosen.flatMap((name, i) => {
        const pair = `${name}=${values[i % values.length]}`;
        return repeat && i === 0 ? [pair, pair] : [pair];
      });
      return pairs.length ? `?${pairs.join('&')}` : '';
    });

export function fuzzRequest(routes: FuzzRoute[], context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const authorization = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...context.authorizations) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer wrong',
        'Basic',
        'Basic %%%',
        `Basic ${Buffer.from(':').toString('base64')}`,
        `Basic ${Buffer.from('nobody:key').toString('base64')}`,
        `Bearer ${'k'.repeat(5000)}`,
        'Digest abc',
      ),
    },
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=latin1',
  );
  const pathValue = fc.oneof(
    { weight: 3, arbitrary: badPathValue },
    { weight: 1, arbitrary: fc.constantFrom('1', 'fuzz_missing', ...context.knownIds) },
  );
  const body = (route: FuzzRoute) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((m) => JSON.stringify(mutate(sample(route.body ?? {}), m))) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
    );
  return fc.constantFrom(...routes).chain((route) =>
    fc
      .record({
        path: fc.array(pathValue, { minLength: route.pathParams.length, maxLength: route.pathParams.length }),
        query: queryPart(route.queryParams),
        authorization,
        contentType,
        accept: fc.constantFrom('application/json', 'application/json', '*/*', 'application/xml', 'text/html', ''),
        wmHeaders: fc.constantFrom(true, true, true, false),
        idempotencyKey: fc.option(fc.constantFrom('k-1', 'x'.repeat(5000), '', ' '), { nil: undefined }),
        body: route.body || route.method !== 'GET' ? body(route) : fc.constant(undefined),
      })
      .map(({ path, query, authorization, contentType, accept, wmHeaders, idempotencyKey, body }) => {
        const url = route.pathParams.reduce((u, name, i) => u.replace(`{${name}}`, path[i]), route.template) + query;
        const headers: Record<string, string> = { 'content-type': contentType };
        if (authorization) headers.authorization = authorization;
        if (accept) headers.accept = accept;
        if (wmHeaders) Object.assign(headers, { clientid: 'fuzz', 'request-tracking-id': 'fuzz-1' });
        if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
        return { method: route.method, url, headers, payload: body };
      }),
  );
}

/** A path that no route has, under each prefix. */
export const unknownPaths = (prefixes: string[]): fc.Arbitrary<FuzzRequest> =>
  fc
    .tuple(fc.constantFrom(...prefixes), fc.constantFrom('nope', 'a/b/c', '%00', 'x'.repeat(150), '%E0%A4%A'), fc.constantFrom<FuzzRequest['method']>('GET', 'POST', 'DELETE'))
    .map(([prefix, rest, method]) => ({ method, url: `${prefix}${rest}`, headers: {} }));
