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
/** Requests expired per sweep: the job stays bounded however many wait. */
const EXPIRY_BATCH = 200;

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
   * the state stays UNCONFIRMED, so sending stays forbidden, and the old link confirms nothing. At most
   * EXPIRY_BATCH per call, found through the partial index on UNCONFIRMED records; returns how
   * many it recorded.
   */
  async expireStale(now = new Date()): Promise<number> {
    const ttlMs = this.config.personSide.confirmTtlDays * DAY_MS;
    const due: Array<{ org_id: string; customer_id: string; channel: Channel; topic: string; account_id: string; address: string; occurred_at: Date }> =
      await this.dataSource.query(
        `SELECT c.org_id, c.customer_id, c.channel, c.topic, c.account_id, c.address, c.occurred_at
         FROM consents c
         JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id AND cu.erased_at IS NULL
         LEFT JOIN consent_ledger l ON l.org_id = c.org_id AND l.id = c.last_ledger_id
         WHERE c.status = 'UNCONFIRMED' AND c.occurred_at < $1
           AND l.reason IS DISTINCT FROM $2
         ORDER BY c.occurred_at
         LIMIT $3`,
        [new Date(now.getTime() - ttlMs), CONFIRMATION_EXPIRED, EXPIRY_BATCH],
      );
    let expired = 0;
    for (const row of due) {
      try {
        const outcome = await this.consents.apply(systemActor(row.org_id), {
          customerId: Number(row.customer_id),
          changes: [
            {
              channel: row.channel,
              topic: row.topic,
              accountId: row.account_id,
              address: row.address,
              status: ConsentStatus.UNCONFIRMED,
              occurredAt: new Date(row.occurred_at.getTime() + ttlMs),
            },
          ],
          reason: CONFIRMATION_EXPIRED,
          emitEvents: false,
          createMissing: true,
        });
        expired += outcome.applied.length;
      } catch (error) {
        // Erased or merged away since the read: nothing left to expire.
        if (!(error instanceof DomainError && error.kind === 'not_found')) throw error;
      }
    }
    return expired;
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
