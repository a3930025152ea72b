import { EventPublisher } from '@app/queues';
import { generateSigningSecret } from '@app/webhooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { TestApi, TestOrg } from './test-app';

export interface TestSubscription {
  id: string;
  name: string;
  callbackId: string;
  secret: string;
}

/**
 * A callback and an event subscription written straight to the tables the Responsys API manages,
 * for delivery tests that should not depend on that dialect's request shapes.
 */
export async function createSubscription(
  api: TestApi,
  org: TestOrg,
  options: {
    url: string;
    eventTypes: string[];
    batchSize?: number;
    status?: 'ACTIVE' | 'PAUSED';
    filters?: unknown[];
    backupUrl?: string;
    basicAuth?: { user: string; password: string };
  },
): Promise<TestSubscription> {
  const secret = generateSigningSecret();
  const suffix = randomBytes(3).toString('hex');
  const [callback] = await api.dataSource.query(
    `INSERT INTO callbacks (org_id, name, url, backup_url, auth_user, auth_password, signing_secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [org.orgId, `cb-${suffix}`, options.url, options.backupUrl ?? null, options.basicAuth?.user ?? null, options.basicAuth?.password ?? null, secret],
  );
  const name = `sub-${suffix}`;
  const [subscription] = await api.dataSource.query(
    `INSERT INTO event_subscriptions (org_id, name, callback_id, event_types, status, filters, batch_size)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [org.orgId, name, callback.id, options.eventTypes, options.status ?? 'ACTIVE', JSON.stringify(options.filters ?? []), options.batchSize ?? 100],
  );
  await api.app.get(EventPublisher).subscriptionChanged({ orgId: org.orgId, subscriptionId: subscription.id });
  return { id: subscription.id, name, callbackId: callback.id, secret };
}

/** Sets a subscription's status as the Responsys API would, and tells the worker. */
export async function setSubscriptionStatus(api: TestApi, org: TestOrg, sub: TestSubscription, status: 'ACTIVE' | 'PAUSED') {
  await api.dataSource.query('UPDATE event_subscriptions SET status = $2, updated_at = now() WHERE id = $1', [sub.id, status]);
  await api.app.get(EventPublisher).subscriptionChanged({ orgId: org.orgId, subscriptionId: sub.id, resumed: status === 'ACTIVE' });
}

/**
 * Outcome events written to the outbox and published, as the ingest endpoint does; returns their
 * ids in order. Each gets a campaign name so filters can be exercised.
 */
export async function emitEvents(
  api: TestApi,
  org: TestOrg,
  count: number,
  options: { type?: string; campaignName?: string | ((i: number) => string) } = {},
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const campaign = (i: number) => (typeof options.campaignName === 'function' ? options.campaignName(i) : options.campaignName ?? 'spring');
  for (let start = 0; start < count; start += 1000) {
    const slice = ids.slice(start, start + 1000);
    await api.dataSource.query(
      `INSERT INTO events (id, org_id, type, channel, campaign_name, recipient, payload, occurred_at)
       SELECT id, $2, $3, 'EMAIL', campaign, 'tom@example.com', '{}'::jsonb, now()
       FROM unnest($1::uuid[], $4::text[]) WITH ORDINALITY AS x(id, campaign, n) ORDER BY n`,
      [slice, org.orgId, options.type ?? 'EMAIL_BOUNCED', slice.map((_, i) => campaign(start + i))],
    );
    await api.app.get(EventPublisher).publishEvents(slice);
  }
  return ids;
}
