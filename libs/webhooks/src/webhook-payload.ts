/** An outbox event row as the worker reads it for a batch. */
export interface BatchEventRow {
  id: string;
  type: string;
  occurred_at: Date;
  customer_id: string | number | null;
  channel: string | null;
  campaign_id: string | null;
  campaign_name: string | null;
  recipient: string | null;
  payload: Record<string, unknown>;
  replay?: boolean;
}

export interface WebhookEvent {
  eventId: string;
  eventType: string;
  occurredAt: string;
  customerId: number | null;
  recipient: string | null;
  campaignId: string | null;
  campaignName: string | null;
  channelType: string | null;
  failureType?: unknown;
  failureReason?: unknown;
  consent?: unknown;
  /** <CHANNEL>_OPTIN_REQUESTED: the link the person follows to confirm the opt-in. */
  confirmUrl?: unknown;
  /** CUSTOMER_MERGED: { survivorId, victimId, conflicts }. */
  merge?: unknown;
  data?: unknown;
}

export interface WebhookBody {
  subscriptionName: string;
  callBackName: string;
  batchId: string;
  replay: boolean;
  /** Present (true) only on a batch an operator redelivered after newer batches had gone out. */
  outOfOrder?: true;
  events: WebhookEvent[];
}

/** One event as consumers receive it: the Responsys fields, plus consent fields for consent events. */
export function toWebhookEvent(row: BatchEventRow): WebhookEvent {
  const payload = row.payload ?? {};
  const event: WebhookEvent = {
    eventId: row.id,
    eventType: row.type,
    occurredAt: new Date(row.occurred_at).toISOString(),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    recipient: row.recipient,
    campaignId: row.campaign_id,
    campaignName: row.campaign_name,
    channelType: row.channel,
  };
  const data = (payload.data ?? {}) as Record<string, unknown>;
  // Outcome events: ingest stores the caller's reason; a failureType may ride in `data`.
  const failureType = payload.failureType ?? data.failureType;
  const failureReason = payload.failureReason ?? (payload.consent === undefined ? payload.reason : undefined);
  if (failureType !== undefined && failureType !== null) event.failureType = failureType;
  if (failureReason !== undefined && failureReason !== null) event.failureReason = failureReason;
  if (payload.consent !== undefined) event.consent = payload.consent;
  if (payload.confirmUrl !== undefined) event.confirmUrl = payload.confirmUrl;
  if (payload.merge !== undefined) event.merge = payload.merge;
  if (payload.data !== undefined && Object.keys(data).length > 0) event.data = payload.data;
  return event;
}
