import { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs statements on any pooled connection, each in its own implicit transaction. */
export function poolQuery(dataSource: DataSource) {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  return (text: string, params?: unknown[], name?: string): Promise<any[]> =>
    pool.query({ text, values: params, ...(name ? { name } : {}) }).then((r) => r.rows);
}

/**
 * As poolQuery, each row an array of its columns in the order selected: pg builds no object with
 * a key per column, which a statement read by the thousand (the bulk decisions) pays for in garbage.
 */
export function poolQueryArrays(dataSource: DataSource) {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  return (text: string, params: unknown[], name: string): Promise<unknown[][]> =>
    pool.query({ text, values: params, name, rowMode: 'array' }).then((r) => r.rows);
}

/**
 * A connection straight from the pool TypeORM owns, for a hot path (the batch step) where
 * TypeORM's query runner costs more than the SQL. `work` runs its own
 * BEGIN/COMMIT; on an error it is rolled back, and a connection that cannot even roll back is
 * dropped rather than returned to the pool.
 */
export async function withRawClient<T>(dataSource: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  let broken = false;
  try {
    return await work(client);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
