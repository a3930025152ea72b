// globalSetup runs outside jest's module mapper: resolve @app/* through tsconfig paths.
import 'tsconfig-paths/register';
import { runMigrations } from '../../database/src/migrate';
import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_DATABASE_NAME, TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

/** Once per `npm test`: a fresh, migrated test database and an empty test Redis DB. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: TEST_DATABASE_URL.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${TEST_DATABASE_NAME}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await runMigrations(TEST_DATABASE_URL);
  const redis = new Redis(TEST_REDIS_URL);
  try {
    // FLUSHDB, never FLUSHALL: the Redis server is shared with other databases.
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
