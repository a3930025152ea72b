/**
 * The job contract between the API (producer) and the worker (consumer), in one place: queue
 * names, job names, and one discriminated union of payloads that both sides type-check against.
 */
export enum QueueName {
  EVENTS = 'events',
  DELIVERIES = 'deliveries',
}

export enum JobName {
  /** Fan the given outbox events out to matching subscriptions. */
  FAN_OUT = 'fan-out',
  /** Send the next batch(es) of one subscription. */
  FLUSH = 'flush',
  /** A subscription changed (created, updated, resumed): flush it, so held events go out. */
  SUBSCRIPTION_CHANGED = 'subscription-changed',
}

export type JobPayload =
  | { name: JobName.FAN_OUT; data: { eventIds: string[] } }
  | { name: JobName.FLUSH; data: { subscriptionId: string; timer?: boolean } }
  | { name: JobName.SUBSCRIPTION_CHANGED; data: { orgId: string; subscriptionId?: string; resumed?: boolean } };

export type JobData<N extends JobName> = Extract<JobPayload, { name: N }>['data'];

/** Which queue carries which job. */
export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.FAN_OUT]: QueueName.EVENTS,
  [JobName.SUBSCRIPTION_CHANGED]: QueueName.EVENTS,
  [JobName.FLUSH]: QueueName.DELIVERIES,
};

