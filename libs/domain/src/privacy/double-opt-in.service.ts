import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext, systemActor } from '../common/actor';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { DomainError } from '../common/domain-error';
import { retryOnDeadlock } from '../common/pg-errors';
import { lockCustomerConsents } from '../consents/consent-store';
import { ConsentsService } from '../consents/consents.service';
import { EventNotifier } from '../events/event-notifier';
import { maskAddress } from './mask-address';
import { OpenedLink } from './person-links.service';
import { OrgPresentation, PersonOrigin, PersonPreferencesService } from './person-preferences.service';

/** The ledger reason of the row that records a request as expired; the worker looks for it. */
export const CONFIRMATION_EXPIRED = 'confirmation expired';
const DAY_MS = 86_400_000;
/** Confirmation requests read per chunk (one short transaction), and chunks per call: each sweep stays bounded. */
const EXPIRY_BATCH = 200;
const EXPIRY_CHUNKS_PER_CALL = 10;
const EXPIRY_CURSOR = 'confirmation-expiry';

/**
 * The next confirmation requests after the cursor ($1), in ledger order, through the partial index
 * consent_ledger_confirmation_requests (the expiry rows, also UNCONFIRMED, are skipped: $2 is
 * their reason), at most $3; `pending` when the request still is the state of its key (nothing
 * changed it since) and its customer is neither erased nor merged away.
 */
export const CONFIRMATION_REQUESTS_SQL = `
  SELECT l.id, l.org_id, l.customer_id, l.channel, l.topic, l.account_id, l.address, l.occurred_at, l.created_at,
    (c.last_ledger_id IS NOT DISTINCT FROM l.id AND cu.erased_at IS NULL AND cu.merged_into IS NULL) AS pending
  FROM consent_ledger l
  LEFT JOIN consents c ON c.org_id = l.org_id AND c.customer_id = l.customer_id AND c.channel = l.channel
    AND c.topic = l.topic AND c.account_id = l.account_id AND c.address = l.address
  LEFT JOIN customers cu ON cu.org_id = l.org_id AND cu.id = l.customer_id
  WHERE l.status = 'UNCONFIRMED' AND l.id > $1 AND l.reason IS DISTINCT FROM $2
  ORDER BY l.id
  LIMIT $3`;

interface ConfirmationRequestRow {
  id: string;
  org_id: string;
  customer_id: string;
  channel: Channel;
  topic: string;
  account_id: string;
  address: string;
  occurred_at: Date;
  created_at: Date;
  pending: boolean;
}

/**
 * Where a confirm link's request stands: `pending` waits for the person; `confirmed` is done (by
 * this link or otherwise); `expired` is past CONFIRM_TTL_DAYS; `closed` means the key moved on
 * (an opt-out since, say), so the link confirms nothing.
 */
export type ConfirmationState = 'pending' | 'confirmed' | 'expired' | 'closed';

export interface ConfirmationView {
  org: OrgPresentation;
  channel: string;
  topic: string;
  maskedAddress: string | null;
  state: ConfirmationState;
}

/**
 * Double opt-in: an opt-in asked with confirmation waits as UNCONFIRMED (sending not allowed)
 * until the person follows the confirm link of its <CHANNEL>_OPTIN_REQUESTED event and presses
 * the page's button. The page's GET shows and changes nothing (mail scanners follow links); only
 * its POST confirms. Requests left past CONFIRM_TTL_DAYS are recorded as expired.
 */
@Injectable()
export class DoubleOptInService {
  constructor(
    private readonly consents: ConsentsService,
    private readonly notifier: EventNotifier,
    private readonly preferences: PersonPreferencesService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What the page shows; null when the person is gone (erased) or never was in that org. */
  async view(link: OpenedLink): Promise<ConfirmationView | null> {
    const state = await this.stateOf(this.dataSource.manager, link);
    if (!state) return null;
    return this.viewOf(link, state);
  }

  /**
   * The page's POST: a pending request turns OPTIN, with the person's proof (dialect
   * `confirm-page`, IP, user agent, the link's key id). The key is read under the customer's lock,
   * so an opt-out that lands between page and click is never undone by the confirmation.
   */
  async confirm(link: OpenedLink, origin: PersonOrigin): Promise<ConfirmationView | null> {
    const actor: ActorContext = { orgId: link.orgId, apiKeyId: null, dialect: 'confirm-page', ...origin };
    let eventIds: string[] = [];
    const state = await retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const before = await this.stateOf(manager, link);
        if (before !== 'pending') return before;
        const outcome = await this.consents.applyInTransaction(manager, actor, {
          customerId: link.customerId,
          changes: [{ channel: link.channel, topic: link.topic, accountId: link.accountId, address: link.address, status: ConsentStatus.OPTIN }],
          reason: 'double opt-in confirmed',
          proof: { kid: link.kid, linkIssuedAt: new Date(link.issuedAt * 1000).toISOString() },
          createMissing: true,
        });
        eventIds = outcome.applied.flatMap((a) => (a.eventId ? [a.eventId] : []));
        return 'confirmed' as const;
      }),
    );
    await this.notifier.eventsCommitted(eventIds);
    return state && this.viewOf(link, state);
  }

  /**
   * Records requests left unconfirmed past CONFIRM_TTL_DAYS as expired: a ledger row (reason
   * CONFIRMATION_EXPIRED, at the request's time plus the TTL, no event) through ConsentsService;
   * the state stays UNCONFIRMED, so sending stays forbidden, and the old link confirms nothing.
   *
   * It walks the ledger's confirmation requests once, in id order, from a cursor (sweep_cursors),
   * EXPIRY_BATCH at a time through a partial index, up to EXPIRY_CHUNKS_PER_CALL chunks: its cost
   * follows the requests made since the last call, never all requests ever made. A request whose
   * key has moved on since (confirmed, opted out, asked again, erased) is passed by. The walk stops
   * at the first request not yet due; since a request is due only TTL days after it was written,
   * every row it passes was committed long ago. A chunk is one transaction holding the cursor row's
   * lock, so workers advance it one at a time, and a chunk that fails leaves the cursor where it
   * was. Returns how many it recorded.
   */
  async expireStale(now = new Date()): Promise<number> {
    let expired = 0;
    for (let chunk = 0; chunk < EXPIRY_CHUNKS_PER_CALL; chunk++) {
      const result = await this.expireChunk(now);
      expired += result.expired;
      if (result.done) break;
    }
    return expired;
  }

  private async expireChunk(now: Date): Promise<{ expired: number; done: boolean }> {
    const ttlMs = this.config.personSide.confirmTtlDays * DAY_MS;
    const cutoff = now.getTime() - ttlMs;
    return this.dataSource.transaction(async (manager) => {
      const [cursor]: Array<{ position: string }> = await manager.query('SELECT position FROM sweep_cursors WHERE name = $1 FOR UPDATE', [
        EXPIRY_CURSOR,
      ]);
      const requests: ConfirmationRequestRow[] = await manager.query(CONFIRMATION_REQUESTS_SQL, [cursor.position, CONFIRMATION_EXPIRED, EXPIRY_BATCH]);
      const firstNotDue = requests.findIndex((r) => r.created_at.getTime() >= cutoff);
      const due = firstNotDue === -1 ? requests : requests.slice(0, firstNotDue);
      // In the chunk's transaction, customers in ascending id as merges lock them: no deadlock
      // with a merge, and the cursor moves only with the expiries it passed.
      let expired = 0;
      const pending = due.filter((r) => r.pending).sort((a, b) => Number(a.customer_id) - Number(b.customer_id));
      for (const request of pending) expired += await this.expire(manager, request, ttlMs);
      const position = due.length ? due[due.length - 1].id : cursor.position;
      await manager.query('UPDATE sweep_cursors SET position = $2, updated_at = now() WHERE name = $1', [EXPIRY_CURSOR, position]);
      return { expired, done: firstNotDue !== -1 || requests.length < EXPIRY_BATCH };
    });
  }

  /** Records one request as expired; 0 when the customer was erased or merged away meanwhile. */
  private async expire(manager: EntityManager, request: ConfirmationRequestRow, ttlMs: number): Promise<number> {
    try {
      const outcome = await this.consents.applyInTransaction(manager, systemActor(request.org_id), {
        customerId: Number(request.customer_id),
        changes: [
          {
            channel: request.channel,
            topic: request.topic,
            accountId: request.account_id,
            address: request.address,
            status: ConsentStatus.UNCONFIRMED,
            occurredAt: new Date(request.occurred_at.getTime() + ttlMs),
          },
        ],
        reason: CONFIRMATION_EXPIRED,
        emitEvents: false,
        createMissing: true,
      });
      return outcome.applied.length;
    } catch (error) {
      if (!(error instanceof DomainError && error.kind === 'not_found')) throw error;
      return 0;
    }
  }

  /** The request's state for the link's key, read through `manager`; null when the person is gone. */
  private async stateOf(manager: EntityManager, link: OpenedLink): Promise<ConfirmationState | null> {
    const locked = await lockCustomerConsents(manager, link.orgId, link.customerId);
    if (!locked) return null;
    const [row]: Array<{ status: ConsentStatus; reason: string | null }> = await manager.query(
      `SELECT c.status, l.reason FROM consents c LEFT JOIN consent_ledger l ON l.org_id = c.org_id AND l.id = c.last_ledger_id
       WHERE c.org_id = $1 AND c.customer_id = $2 AND c.channel = $3 AND c.topic = $4 AND c.account_id = $5 AND c.address = $6`,
      [link.orgId, locked.customerId, link.channel, link.topic, link.accountId, link.address],
    );
    if (row?.status === ConsentStatus.OPTIN) return 'confirmed';
    const tooOld = Date.now() - link.issuedAt * 1000 > this.config.personSide.confirmTtlDays * DAY_MS;
    if (tooOld || row?.reason === CONFIRMATION_EXPIRED) return 'expired';
    return row?.status === ConsentStatus.UNCONFIRMED ? 'pending' : 'closed';
  }

  private async viewOf(link: OpenedLink, state: ConfirmationState): Promise<ConfirmationView> {
    return {
      org: await this.preferences.presentationOf(link.orgId),
      channel: link.channel,
      topic: link.topic,
      maskedAddress: link.address ? maskAddress(link.address) : null,
      state,
    };
  }
}
