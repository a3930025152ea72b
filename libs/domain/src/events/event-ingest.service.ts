import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { Channel, CHANNELS } from '../common/channel';
import { DEFAULT_CONSENT_STATUS } from '../common/consent-status';
import { conflict, ErrorCodes, invalid } from '../common/domain-error';
import { isDeadlock, isUniqueViolation } from '../common/pg-errors';
import { ConsentsService } from '../consents/consents.service';
import { ownersOfIdentifiers } from '../customers/customer-references';
import { effectiveTime } from '../consents/consent-timeline';
import { consentOfEventType, EventTypeInfo, findEventType } from './event-catalogue';
import { EventNotifier } from './event-notifier';
import { insertOutboxEvents, NewEvent } from './outbox';

export const MAX_INGEST_EVENTS = 1000;
/** Channels an ingested event may name: the consent channels, plus MMS for Responsys's MMS events. */
export const EVENT_CHANNELS: readonly string[] = [...CHANNELS, 'MMS'];
/** The consent topic an ingested opt-in or opt-out changes when the event names none. */
export const DEFAULT_INGEST_TOPIC = 'BULK';

/** One event reported by a campaign tool. */
export interface IngestEvent {
  /** The caller's id (a UUID): a retry with the same id is a no-op. */
  id?: string;
  type: string;
  customerId?: number;
  identifier?: { type: string; value: string };
  channel: string;
  topic?: string;
  accountId?: string;
  campaignId?: string;
  campaignName?: string;
  recipient?: string;
  reason?: string;
  occurredAt?: Date;
  data?: Record<string, unknown>;
}

export interface IngestResult {
  accepted: number;
  /** In request order; an event already ingested answers with its existing id. */
  eventIds: string[];
  /** Ids of opt-in/opt-out events that happened before the change that set the state: accepted, but they changed nothing. */
  superseded: string[];
}

interface Prepared {
  index: number;
  id: string;
  event: IngestEvent;
  info: EventTypeInfo;
}

const MAX_ATTEMPTS = 3;

/** Channels an event of a type may name: its own, and Android or iOS for push. */
function channelsOf(info: EventTypeInfo): string[] {
  if (info.channel === null) return [];
  return info.channel === Channel.PUSH ? [Channel.PUSH, Channel.ANDROID, Channel.IOS] : [info.channel];
}

/**
 * Native event ingest: a batch of events validated whole and written to the outbox in one
 * transaction. Ingested opt-ins and opt-outs change consent state and the ledger in the same
 * transaction, so state and events never disagree.
 */
@Injectable()
export class EventIngestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consents: ConsentsService,
    private readonly notifier: EventNotifier,
  ) {}

  async ingest(actor: ActorContext, events: IngestEvent[], idempotencyKey?: string): Promise<IngestResult> {
    const prepared = this.prepare(events);
    const requestHash = createHash('sha256').update(JSON.stringify(events)).digest('hex');
    for (let attempt = 1; ; attempt++) {
      try {
        const { result, newIds } = await this.dataSource.transaction((manager) =>
          this.ingestInTransaction(manager, actor, prepared, idempotencyKey, requestHash),
        );
        await this.notifier.eventsCommitted(newIds);
        return result;
      } catch (error) {
        // A concurrent request wrote one of the caller's event ids first: run again, and see it.
        // Or Postgres rolled this transaction back to break a deadlock: run it again.
        if (attempt < MAX_ATTEMPTS && (isUniqueViolation(error, 'events_pkey') || isDeadlock(error))) continue;
        throw error;
      }
    }
  }

  /** Checks each event against the catalogue; caller ids must be unique in the batch. */
  private prepare(events: IngestEvent[]): Prepared[] {
    if (events.length === 0 || events.length > MAX_INGEST_EVENTS) {
      throw invalid(ErrorCodes.INVALID_EVENT, `A batch holds 1 to ${MAX_INGEST_EVENTS} events`);
    }
    const seen = new Map<string, number>();
    const receivedAt = new Date();
    return events.map((event, index) => {
      const fail = (message: string) => {
        throw invalid(ErrorCodes.INVALID_EVENT, `events[${index}]: ${message}`, { index });
      };
      const info = findEventType(event.type);
      if (!info) return fail(`unknown event type ${event.type}`);
      if (!channelsOf(info).includes(event.channel)) {
        fail(`channel ${event.channel} does not match event type ${event.type} (${channelsOf(info).join(' or ')})`);
      }
      if ((event.customerId === undefined) === (event.identifier === undefined)) {
        fail('give either customerId or identifier');
      }
      if (event.id !== undefined) {
        const id = event.id.toLowerCase();
        if (seen.has(id)) fail(`id ${event.id} is also the id of events[${seen.get(id)}]`);
        seen.set(id, index);
      }
      // An event cannot have happened after it was reported: a future time is when it arrived.
      const occurredAt = effectiveTime(event.occurredAt, receivedAt);
      return { index, id: event.id?.toLowerCase() ?? randomUUID(), event: { ...event, occurredAt }, info };
    });
  }

  private async ingestInTransaction(
    manager: EntityManager,
    actor: ActorContext,
    prepared: Prepared[],
    idempotencyKey: string | undefined,
    requestHash: string,
  ): Promise<{ result: IngestResult; newIds: string[] }> {
    if (idempotencyKey !== undefined) {
      const replay = await this.claimKey(manager, actor.orgId, idempotencyKey, requestHash);
      if (replay) return { result: replay, newIds: [] };
    }
    const existing = await this.existingIds(manager, actor.orgId, prepared);
    const fresh = prepared.filter((p) => !existing.has(p.id));
    const customers = await this.resolveCustomers(manager, actor, fresh);
    await this.lockConsentCustomers(manager, actor.orgId, fresh, customers);

    const outbox: NewEvent[] = [];
    const superseded: string[] = [];
    for (const p of fresh) {
      const consent = await this.applyConsent(manager, actor, p, customers.get(p.index)!);
      if (consent?.superseded) superseded.push(p.id);
      const e = p.event;
      outbox.push({
        id: p.id,
        orgId: actor.orgId,
        type: e.type,
        customerId: customers.get(p.index)!,
        channel: e.channel,
        campaignId: e.campaignId ?? null,
        campaignName: e.campaignName ?? null,
        recipient: e.recipient ?? null,
        occurredAt: e.occurredAt!,
        payload: { source: actor.dialect, reason: e.reason ?? null, data: e.data ?? {}, ...(consent ? { consent } : {}) },
      });
    }
    const newIds = await insertOutboxEvents(manager, outbox);
    const result: IngestResult = { accepted: prepared.length, eventIds: prepared.map((p) => p.id), superseded };
    if (idempotencyKey !== undefined) {
      await manager.query('UPDATE ingest_requests SET response = $3 WHERE org_id = $1 AND idempotency_key = $2', [
        actor.orgId,
        idempotencyKey,
        JSON.stringify(result),
      ]);
    }
    return { result, newIds };
  }

  /**
   * Claims the key, or returns the answer of the request that claimed it. The insert waits while a
   * concurrent request holding the same key is in flight, then sees its committed row.
   */
  private async claimKey(manager: EntityManager, orgId: string, key: string, requestHash: string): Promise<IngestResult | null> {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO ingest_requests (org_id, idempotency_key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [orgId, key, requestHash],
    );
    if (claimed.length) return null;
    const [first]: Array<{ request_hash: string; response: IngestResult }> = await manager.query(
      'SELECT request_hash, response FROM ingest_requests WHERE org_id = $1 AND idempotency_key = $2',
      [orgId, key],
    );
    if (first.request_hash !== requestHash) {
      throw conflict(ErrorCodes.IDEMPOTENCY_KEY_REUSED, `Idempotency-Key ${key} was already used for a different request`);
    }
    return first.response;
  }

  /** Caller ids already in this org's outbox (a retry). Another org's ids are another namespace. */
  private async existingIds(manager: EntityManager, orgId: string, prepared: Prepared[]): Promise<Set<string>> {
    const ids = prepared.filter((p) => p.event.id !== undefined).map((p) => p.id);
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await manager.query('SELECT id FROM events WHERE org_id = $1 AND id = ANY($2::uuid[])', [
      orgId,
      ids,
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Locks, in id order, every customer whose consent this batch changes, before changing any.
   * Without it two batches naming the same customers in different orders deadlock.
   */
  private async lockConsentCustomers(
    manager: EntityManager,
    orgId: string,
    prepared: Prepared[],
    customers: Map<number, number>,
  ): Promise<void> {
    const ids = [...new Set(prepared.filter((p) => p.info.kind === 'consent').map((p) => customers.get(p.index)!))];
    if (ids.length === 0) return;
    await manager.query('SELECT 1 FROM customers WHERE org_id = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE', [
      orgId,
      ids,
    ]);
  }

  /**
   * Customer id per event index, from `customerId` or an identifier (in any spelling); a merged
   * customer's id names its survivor. The first unknown one fails the batch.
   */
  private async resolveCustomers(manager: EntityManager, actor: ActorContext, prepared: Prepared[]): Promise<Map<number, number>> {
    const query = (text: string, params?: unknown[]) => manager.query(text, params);
    const byId = prepared.filter((p) => p.event.customerId !== undefined);
    const byIdentifier = prepared.filter((p) => p.event.identifier !== undefined);
    const survivors = new Map<number, number>();
    if (byId.length) {
      const rows: Array<{ id: string; target: string }> = await query(
        'SELECT id, COALESCE(merged_into, id) AS target FROM customers WHERE org_id = $1 AND id = ANY($2::bigint[])',
        [actor.orgId, byId.map((p) => p.event.customerId)],
      );
      rows.forEach((r) => survivors.set(Number(r.id), Number(r.target)));
    }
    const owners = await ownersOfIdentifiers(query, actor, byIdentifier.map((p) => p.event.identifier!));
    const ownerOf = new Map(byIdentifier.map((p, n) => [p.index, owners[n]]));
    const resolved = new Map<number, number>();
    for (const p of prepared) {
      const id = p.event.identifier ? ownerOf.get(p.index) : survivors.get(p.event.customerId!);
      if (id === undefined || id === null) {
        throw invalid(ErrorCodes.CUSTOMER_NOT_FOUND, `events[${p.index}]: No customer found with the given identifier`, { index: p.index });
      }
      resolved.set(p.index, id);
    }
    return resolved;
  }

  /**
   * For an opt-in or opt-out: the consent change, through the consent service inside this
   * transaction. It emits no event of its own (the ingested event is the one event), and the
   * ledger row names the ingested event in its proof.
   */
  private async applyConsent(manager: EntityManager, actor: ActorContext, p: Prepared, customerId: number) {
    const target = consentOfEventType(p.event.type);
    if (!target) return null;
    const e = p.event;
    const change = {
      channel: e.channel as Channel,
      topic: e.topic ?? DEFAULT_INGEST_TOPIC,
      accountId: e.accountId ?? '',
      address: '',
      status: target.status,
    };
    const outcome = await this.consents.applyInTransaction(manager, actor, {
      customerId,
      changes: [change],
      reason: e.reason ?? null,
      campaignId: e.campaignId ?? null,
      campaignName: e.campaignName ?? null,
      proof: { eventId: p.id, eventType: e.type, recipient: e.recipient ?? null },
      emitEvents: false,
      occurredAt: e.occurredAt,
    });
    const applied = outcome.applied[0];
    const superseded = outcome.superseded[0];
    return {
      ...change,
      occurredAt: (applied ?? superseded ?? outcome.unchanged[0]).change.occurredAt.toISOString(),
      previousStatus: applied ? (applied.previousStatus ?? DEFAULT_CONSENT_STATUS) : superseded ? superseded.current.status : change.status,
      changed: applied !== undefined,
      // It happened before the change that set the state: accepted, kept in the ledger, changes nothing.
      ...(superseded
        ? { superseded: true, supersededBy: { status: superseded.current.status, occurredAt: superseded.current.occurredAt.toISOString() } }
        : {}),
      source: actor.dialect,
    };
  }
}
