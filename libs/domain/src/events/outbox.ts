import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

export interface NewEvent {
  id?: string;
  orgId: string;
  type: string;
  customerId: number | null;
  channel: string | null;
  campaignId?: string | null;
  campaignName?: string | null;
  recipient?: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** Inserts events into the outbox in one multi-row statement; returns their ids in input order. */
export async function insertOutboxEvents(manager: EntityManager, events: NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map((e) => e.id ?? randomUUID());
  const params: unknown[] = [];
  const rows = events.map((e, i) => {
    const values = [
      ids[i],
      e.orgId,
      e.type,
      e.customerId,
      e.channel,
      e.campaignId ?? null,
      e.campaignName ?? null,
      e.recipient ?? null,
      JSON.stringify(e.payload),
      e.occurredAt,
    ];
    const placeholders = values.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    return `(${placeholders.join(',')})`;
  });
  await manager.query(
    `INSERT INTO events (id, org_id, type, customer_id, channel, campaign_id, campaign_name, recipient, payload, occurred_at)
     VALUES ${rows.join(',')}`,
    params,
  );
  return ids;
}
