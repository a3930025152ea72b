import { EnvironmentVariables, validateEnvironment } from './env.schema';

export interface DatabaseConfig {
  url: string;
  poolSize: number;
}
export interface RedisConfig {
  url: string;
  /** Seed nodes of a Redis Cluster; when set, `url` is not used. */
  clusterNodes?: Array<{ host: string; port: number }>;
  /** The prefix of every BullMQ key (hash-tagged on a cluster). */
  queuePrefix: string;
}
export interface WebhookConfig {
  retryScheduleSeconds: number[];
  flushMs: number;
  timeoutMs: number;
  holdDays: number;
  allowPrivateCallbackUrls: boolean;
}
export interface AppConfig {
  database: DatabaseConfig;
  redis: RedisConfig;
  apiPort: number;
  workerPort: number;
  logLevel: string;
  bootstrap?: { org: string; apiKey: string };
  webhooks: WebhookConfig;
  operatorToken?: string;
  sweepIntervalMs: number;
  fanOutPartitions: number;
  trustProxyHops: number;
  /** Region for national phone numbers of orgs without their own; undefined: none. */
  defaultPhoneRegion?: string;
  personSide: PersonSideConfig;
  retention: RetentionConfig;
  rateLimits: RateLimitConfig;
  /** Request body bytes the API holds at once before it answers 503. */
  maxBodyBytesInFlight: number;
  /** Keys that encrypt secrets at rest, the encrypting one first; empty: secrets are stored in clear. */
  secretsKeys: SecretsKey[];
}

export interface SecretsKey {
  kid: string;
  /** 32 bytes, for AES-256-GCM. */
  key: Buffer;
}

/** Default request budgets; see the README's "Rate limits". */
export interface RateLimitConfig {
  keyPerSecond: number;
  failedAuthPerMinute: number;
  publicPerMinute: number;
  verifyPerMinute: number;
}

export interface RetentionConfig {
  retentionDays: number;
  idempotencyTtlHours: number;
  intervalMs: number;
  chunkSize: number;
}

export interface PersonSideConfig {
  /** Link signing keys, the signing one first; empty: each org's generated key. */
  signingKeys: Array<{ kid: string; secret: string }>;
  /** Base of the links a person opens, without a trailing slash. */
  publicUrl: string;
  erasurePepper?: string;
  /** How long a double opt-in waits for its confirmation. */
  confirmTtlDays: number;
}

/** Token under which the typed configuration is injected. */
export const APP_CONFIG = Symbol('APP_CONFIG');

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  return {
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL, clusterNodes: hostPorts(env.REDIS_CLUSTER_NODES), queuePrefix: env.QUEUE_PREFIX },
    apiPort: env.PORT,
    workerPort: env.WORKER_PORT,
    logLevel: env.LOG_LEVEL,
    bootstrap:
      env.BOOTSTRAP_ORG && env.BOOTSTRAP_API_KEY
        ? { org: env.BOOTSTRAP_ORG, apiKey: env.BOOTSTRAP_API_KEY }
        : undefined,
    webhooks: {
      retryScheduleSeconds: env.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim())),
      flushMs: env.WEBHOOK_FLUSH_MS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      holdDays: env.WEBHOOK_HOLD_DAYS,
      allowPrivateCallbackUrls: env.ALLOW_PRIVATE_CALLBACK_URLS,
    },
    operatorToken: env.OPERATOR_TOKEN,
    sweepIntervalMs: env.SWEEP_INTERVAL_MS,
    fanOutPartitions: env.FAN_OUT_PARTITIONS,
    retention: {
      retentionDays: env.RETENTION_DAYS,
      idempotencyTtlHours: env.IDEMPOTENCY_TTL_HOURS,
      intervalMs: env.RETENTION_INTERVAL_MS,
      chunkSize: env.RETENTION_CHUNK_SIZE,
    },
    trustProxyHops: env.TRUST_PROXY_HOPS,
    defaultPhoneRegion: env.DEFAULT_PHONE_REGION,
    personSide: {
      signingKeys: kidPairs(env.UNSUBSCRIBE_SIGNING_KEYS).map(({ kid, value }) => ({ kid, secret: value })),
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
      erasurePepper: env.ERASURE_PEPPER,
      confirmTtlDays: env.CONFIRM_TTL_DAYS,
    },
    secretsKeys: kidPairs(env.SECRETS_KEYS).map(({ kid, value }) => ({ kid, key: Buffer.from(value, 'base64') })),
    maxBodyBytesInFlight: env.MAX_BODY_BYTES_IN_FLIGHT,
    rateLimits: {
      keyPerSecond: env.RATE_LIMIT_KEY_PER_SECOND,
      failedAuthPerMinute: env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
      publicPerMinute: env.RATE_LIMIT_PUBLIC_PER_MINUTE,
      verifyPerMinute: env.RATE_LIMIT_VERIFY_PER_MINUTE,
    },
  };
}

/** `host:port, host:port` (checked by the schema) as nodes; undefined when unset. */
function hostPorts(list: string | undefined): RedisConfig['clusterNodes'] {
  if (!list) return undefined;
  return list.split(',').map((node) => {
    const [host, port] = node.trim().split(':');
    return { host, port: Number(port) };
  });
}

/** `kid:value, kid:value` (a key list's syntax, checked by the schema) as pairs, in order. */
function kidPairs(list: string | undefined): Array<{ kid: string; value: string }> {
  return (list ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => ({ kid: pair.slice(0, pair.indexOf(':')), value: pair.slice(pair.indexOf(':') + 1) }));
}

/** Reads and validates process.env (or the given env) into the typed configuration. */
export function loadConfig(env: Record<string, unknown> = process.env): AppConfig {
  return toAppConfig(validateEnvironment(env));
}
