import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { isSupportedCountry } from 'libphonenumber-js';

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : String(value).toLowerCase() === 'true';
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toUpperCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** A region libphonenumber knows (ISO 3166 alpha-2, such as RU or IN). */
const IsPhoneRegion = () =>
  ValidateBy({
    name: 'isPhoneRegion',
    validator: {
      validate: (value) => typeof value === 'string' && isSupportedCountry(value),
      defaultMessage: () => '$property must be a region code such as RU or IN',
    },
  });

/** `host:port, host:port`: host names or IPv4 addresses, ports 1-65535. */
const IsHostPortList = () =>
  ValidateBy({
    name: 'isHostPortList',
    validator: {
      validate: (value) =>
        typeof value === 'string' &&
        value.split(',').every((node) => {
          const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(node.trim());
          return !!match && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
        }),
      defaultMessage: () => '$property must be comma-separated host:port pairs',
    },
  });

/** Redis's rule: the slot is the hash of what stands between the first `{` and the next `}`, when not empty. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  return open >= 0 && key.indexOf('}', open + 1) > open + 1;
}

/** A prefix whose keys all hash to one cluster slot (checked only with a cluster). */
const HasHashTagOnCluster = () =>
  ValidateBy({
    name: 'hasHashTagOnCluster',
    validator: {
      validate: (value, args) => !(args?.object as EnvironmentVariables).REDIS_CLUSTER_NODES || hasHashTag(String(value)),
      defaultMessage: () => '$property must hold a hash tag such as {optline} when REDIS_CLUSTER_NODES is set',
    },
  });

/**
 * Every environment variable the apps read, with its default. Validated once at start so a typo
 * stops the process with a message naming the variable, instead of failing on first use.
 */
export class EnvironmentVariables {
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/optline';

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * A Redis Cluster to use instead of REDIS_URL: comma-separated `host:port` seed nodes (the rest
   * of the cluster is discovered from them). Every Redis user follows it: queues, rate limits,
   * health checks, metrics and the queue dashboard.
   */
  @IsOptional()
  @IsHostPortList()
  REDIS_CLUSTER_NODES?: string;

  /**
   * The prefix of every BullMQ key. On a cluster it must hold a hash tag (`{...}`): all of a
   * queue's keys then sit in one slot, which BullMQ's multi-key scripts need.
   */
  @Matches(/^[A-Za-z0-9_.{}-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 characters of A-Z a-z 0-9 _ . - { }' })
  @HasHashTagOnCluster()
  QUEUE_PREFIX = '{optline}';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_PORT = 3001;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'BOOTSTRAP_ORG must be a slug (a-z, 0-9, -)' })
  BOOTSTRAP_ORG?: string;

  @IsOptional()
  @IsString()
  @Matches(/^\S{24,}$/, { message: 'BOOTSTRAP_API_KEY must be at least 24 characters, no spaces' })
  BOOTSTRAP_API_KEY?: string;

  @IsString()
  @Matches(/^\d+(\s*,\s*\d+)*$/, { message: 'WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds' })
  WEBHOOK_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  WEBHOOK_FLUSH_MS = 100;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 15000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  WEBHOOK_HOLD_DAYS = 15;

  @Transform(toBoolean)
  @IsBoolean()
  ALLOW_PRIVATE_CALLBACK_URLS = false;

  @IsOptional()
  @IsString()
  @Matches(/^\S{16,}$/, { message: 'OPERATOR_TOKEN must be at least 16 characters' })
  OPERATOR_TOKEN?: string;

  /** Postgres connections per process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /**
   * Delivered, failed and expired deliveries (with their batches and attempts), and events no
   * remaining delivery references, are deleted once older than this. Replay cannot reach further.
   * Fractional values are allowed so a soak benchmark can keep minutes (0.005 is 7.2 minutes).
   */
  @Transform(toInt)
  @IsNumber()
  @Min(0.0001)
  @Max(3650)
  RETENTION_DAYS = 30;

  /** Ingest idempotency keys are kept this long; a retry after that is a new request. Fractional allowed, as above. */
  @Transform(toInt)
  @IsNumber()
  @Min(0.001)
  @Max(8760)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** How often a worker tries a retention pass (one worker at a time runs it). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  RETENTION_INTERVAL_MS = 300_000;

  /** Rows deleted per statement by retention: each chunk is its own short transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  RETENTION_CHUNK_SIZE = 5000;

  /**
   * Fan-out partitions: the outbox is split by org into this many, each fanned out by one worker
   * at a time, so up to this many workers fan out at once. A divisor of 256 (the org hash's range).
   */
  @Transform(toInt)
  @IsIn([1, 2, 4, 8, 16, 32, 64, 128, 256])
  FAN_OUT_PARTITIONS = 16;

  /** How often each worker's recovery sweeper runs. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  SWEEP_INTERVAL_MS = 2000;

  /**
   * How many proxy hops to trust for the client IP recorded in the ledger: 0 (default) records the
   * socket's address, since anyone can write X-Forwarded-For when nothing in front rewrites it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  /**
   * Requests per second one API key may send (an org's own limit, `npm run cli -- org:rate-limit`,
   * replaces it). The default leaves a campaign tool's bursts (2,000 a second and more) alone.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_KEY_PER_SECOND = 5000;

  /**
   * Missing or wrong credentials one client IP may present a minute; past it the IP gets 429 for a
   * minute without its keys being checked, which stops a key-guessing loop within seconds.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_FAILED_AUTH_PER_MINUTE = 30;

  /** Requests a minute one client IP may send to the routes without a key (pages, health, metrics). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PUBLIC_PER_MINUTE = 600;

  /** Callback verifications (each one an outbound request) one org may start a minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_VERIFY_PER_MINUTE = 10;

  /**
   * Request body bytes the API holds at once (by Content-Length); past it a request is answered 503
   * with Retry-After before its body is read, so a burst of large bodies cannot fill the heap. A
   * 4 MB ingest request costs about 27 MB while it is handled: the default lets one such body in at
   * a time beside the small ones, which keeps start:api (128 MB heap) under 200 MB RSS.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1024 * 1024)
  MAX_BODY_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

  /**
   * The region in which national phone numbers (8 900 ... in RU) are read when an org sets none
   * (`npm run cli -- org:phone-region`). Unset: only numbers with their country code become E.164.
   */
  @IsOptional()
  @Transform(toUpperCase)
  @IsPhoneRegion()
  DEFAULT_PHONE_REGION?: string;

  /**
   * Keys that sign unsubscribe and confirm links: comma-separated `kid:secret` pairs (secrets of
   * at least 32 characters). The first signs, all verify, so a key rotates by putting a new one
   * first and dropping the old one once its links are stale. Unset: each org gets a key of its own,
   * generated and stored on first use.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:\S{32,}(\s*,\s*[A-Za-z0-9_-]{1,32}:\S{32,})*$/, {
    message: 'UNSUBSCRIBE_SIGNING_KEYS must be comma-separated kid:secret pairs, secrets of at least 32 characters',
  })
  UNSUBSCRIBE_SIGNING_KEYS?: string;

  /**
   * Keys that encrypt callback passwords and signing secrets at rest (AES-256-GCM): comma-separated
   * `kid:key` pairs, each key 32 random bytes in base64 (`openssl rand -base64 32`). The first
   * encrypts, all decrypt; after putting a new key first, `npm run cli -- secrets:reencrypt` moves
   * every stored secret to it, and the old key can go. Unset: stored in clear (development only).
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(\s*,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/, {
    message: 'SECRETS_KEYS must be comma-separated kid:key pairs, each key 32 bytes in base64 (openssl rand -base64 32)',
  })
  SECRETS_KEYS?: string;

  /** Where people reach the API from outside: the base of unsubscribe and confirm links. Default http://localhost:<PORT>. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be an http(s) URL without query' })
  PUBLIC_URL?: string;

  /** The pepper of the keyed hashes that keep an erased person's opt-outs. Unset: one generated per org and stored. */
  @IsOptional()
  @Matches(/^\S{32,}$/, { message: 'ERASURE_PEPPER must be at least 32 characters' })
  ERASURE_PEPPER?: string;

  /**
   * Days a double opt-in waits for the person's confirmation: a confirm link older than this is
   * refused, and the worker records the request as expired (the address stays unconfirmed).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  CONFIRM_TTL_DAYS = 7;
}

export class InvalidEnvironmentError extends Error {}

/** Validates `env`, fills defaults, and throws one error that lists every bad variable. */
export function validateEnvironment(env: Record<string, unknown>): EnvironmentVariables {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `  ${e.property}=${JSON.stringify(present[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new InvalidEnvironmentError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed;
}
