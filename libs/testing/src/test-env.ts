/**
 * The environment every test process sees: its own database and its own Redis DB index, so tests
 * never touch development data, and two checkouts can test side by side (TEST_DATABASE_NAME,
 * TEST_REDIS_DB).
 */
export const TEST_DATABASE_NAME = process.env.TEST_DATABASE_NAME ?? 'optline_test';
export const TEST_REDIS_DB = Number(process.env.TEST_REDIS_DB ?? 13);
const PG_BASE = process.env.TEST_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_BASE = process.env.TEST_REDIS_BASE ?? 'redis://127.0.0.1:6379';

export const TEST_DATABASE_URL = `${PG_BASE}/${TEST_DATABASE_NAME}`;
export const TEST_REDIS_URL = `${REDIS_BASE}/${TEST_REDIS_DB}`;

process.env.DATABASE_URL = TEST_DATABASE_URL;
process.env.REDIS_URL = TEST_REDIS_URL;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'error';
process.env.ALLOW_PRIVATE_CALLBACK_URLS = process.env.ALLOW_PRIVATE_CALLBACK_URLS ?? 'true';
delete process.env.BOOTSTRAP_ORG;
delete process.env.BOOTSTRAP_API_KEY;
// Tests send thousands of requests from 127.0.0.1, many with wrong keys on purpose (auth tests, the
// fuzzer): budgets they never reach. test/rate-limits.e2e-spec.ts sets small ones to prove the 429s.
process.env.RATE_LIMIT_KEY_PER_SECOND = process.env.RATE_LIMIT_KEY_PER_SECOND ?? '1000000';
process.env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE = process.env.RATE_LIMIT_FAILED_AUTH_PER_MINUTE ?? '1000000';
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE = process.env.RATE_LIMIT_PUBLIC_PER_MINUTE ?? '1000000';
process.env.RATE_LIMIT_VERIFY_PER_MINUTE = process.env.RATE_LIMIT_VERIFY_PER_MINUTE ?? '1000000';
// Every test runs with secrets sealed at rest, as production should (test/secrets-at-rest.e2e-spec.ts).
export const TEST_SECRETS_KEYS = 'test1:dGVzdC1vbmx5LXNlY3JldHMta2V5LTMyLWJ5dGVzISE=';
process.env.SECRETS_KEYS = process.env.SECRETS_KEYS ?? TEST_SECRETS_KEYS;
