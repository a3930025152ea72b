import { MIGRATIONS } from '@app/database';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** A throwaway org with one PAUSED subscription, for the scripts that seed tables directly. */
export interface BenchOrg {
  dataSource: DataSource;
  q: (sql: string, params?: unknown[]) => Promise<any[]>;
  orgId: string;
  callbackId: string;
  pausedSubscriptionId: string;
  /** Deletes everything the org holds and closes the connection. */
  drop(): Promise<void>;
}

export async function benchOrg(name: string, eventType: string): Promise<BenchOrg> {
  const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: MIGRATIONS, poolSize: 4 });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const q = (sql: string, params: unknown[] = []) => dataSource.query(sql, params);
  const [org] = await q(`INSERT INTO orgs (slug) VALUES ($1) RETURNING id`, [`bench-${name}-${randomUUID()}`]);
  const [callback] = await q(`INSERT INTO callbacks (org_id, name, url, signing_secret) VALUES ($1, 'bench', 'http://127.0.0.1:1/', 'x') RETURNING id`, [org.id]);
  const [sub] = await q(
    `INSERT INTO event_subscriptions (org_id, name, callback_id, event_types, status) VALUES ($1, 'held', $2, ARRAY[$3], 'PAUSED') RETURNING id`,
    [org.id, callback.id, eventType],
  );
  const drop = async () => {
    for (const table of ['deliveries', 'delivery_batches', 'events', 'ingest_requests', 'event_subscriptions', 'callbacks']) {
      await q(`DELETE FROM ${table} WHERE org_id = $1`, [org.id]);
    }
    await q(`DELETE FROM orgs WHERE id = $1`, [org.id]);
    await dataSource.destroy();
  };
  return { dataSource, q, orgId: org.id, callbackId: callback.id, pausedSubscriptionId: sub.id, drop };
}
