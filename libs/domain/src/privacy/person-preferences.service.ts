import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActorContext, Dialect } from '../common/actor';
import { allowsSending, ConsentStatus } from '../common/consent-status';
import { DomainError, invalid } from '../common/domain-error';
import { ConsentDecisionsService } from '../consents/consent-decisions.service';
import { ConsentsService } from '../consents/consents.service';
import { Org } from '../orgs/org.entity';
import { maskAddress } from './mask-address';
import { OpenedLink } from './person-links.service';

/** Where a person's request came from: kept on the ledger row as proof. */
export interface PersonOrigin {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/** How the org presents itself on the pages. */
export interface OrgPresentation {
  displayName: string;
  logoUrl: string | null;
  accentColor: string | null;
}

export interface TopicChoice {
  topic: string;
  subscribed: boolean;
}

/** What the preference page shows for one link. */
export interface PreferenceView {
  org: OrgPresentation;
  channel: string;
  maskedAddress: string | null;
  /** The link's own topic ('' for a link about the whole channel). */
  linkTopic: string;
  /** The link's topic first, then the person's other topics on the channel, each with its state. */
  topics: TopicChoice[];
}

export interface PreferenceChange {
  topic: string;
  status: ConsentStatus;
}

/** What the page's form asks: which button, and the topics left ticked. */
export interface PreferenceSave {
  action: 'save' | 'topic' | 'everything';
  subscribed: string[];
}

export const INVALID_PREFERENCES = 'INVALID_PREFERENCES';

/**
 * The person's own word about their consent, through a link they were sent: what the page shows,
 * a one-click unsubscribe, and the page's save. Every change goes through ConsentsService, so it
 * is a ledger row with its proof and emits its event like any other.
 */
@Injectable()
export class PersonPreferencesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consents: ConsentsService,
    private readonly decisions: ConsentDecisionsService,
  ) {}

  /** null when the person is gone (erased) or never was in that org. */
  async view(link: OpenedLink): Promise<PreferenceView | null> {
    const topics = await this.topicsOf(link);
    if (!topics) return null;
    return {
      org: await this.presentationOf(link.orgId),
      channel: link.channel,
      maskedAddress: link.address ? maskAddress(link.address) : null,
      linkTopic: link.topic,
      topics,
    };
  }

  async presentationOf(orgId: string): Promise<OrgPresentation> {
    const org = await this.dataSource.getRepository(Org).findOneByOrFail({ id: orgId });
    return { displayName: org.displayName ?? org.slug, logoUrl: org.logoUrl, accentColor: org.accentColor };
  }

  /**
   * RFC 8058: opts the link's address out of its topic (of every topic on the channel for a link
   * without one). Repeating it changes nothing; an unknown or erased person is no error, since the
   * answer must not tell a guesser anything.
   */
  async oneClickUnsubscribe(link: OpenedLink, origin: PersonOrigin): Promise<PreferenceChange[]> {
    const topics = await this.topicsOf(link);
    if (!topics) return [];
    const wanted = link.topic ? [link.topic] : topics.map((t) => t.topic);
    return this.record(link, origin, 'one-click', wanted.map((topic) => ({ topic, status: ConsentStatus.OPTOUT })));
  }

  /**
   * The page's save. `save` keeps subscribed exactly the topics left ticked; `topic` unsubscribes
   * from the link's topic only; `everything` from every topic shown. A topic the page did not show
   * is refused (INVALID_PREFERENCES) and nothing is written. null: the person is gone.
   */
  async save(link: OpenedLink, origin: PersonOrigin, asked: PreferenceSave): Promise<PreferenceChange[] | null> {
    const topics = await this.topicsOf(link);
    if (!topics) return null;
    const shown = new Set(topics.map((t) => t.topic));
    const unknown = asked.subscribed.filter((t) => !shown.has(t));
    if (unknown.length) throw invalid(INVALID_PREFERENCES, `Not a topic of this page: ${unknown.join(', ')}`);
    const keep =
      asked.action === 'save'
        ? new Set(asked.subscribed)
        : new Set(topics.filter((t) => asked.action === 'topic' && t.subscribed && t.topic !== link.topic).map((t) => t.topic));
    const changes = topics.flatMap((t): PreferenceChange[] => {
      if (t.subscribed === keep.has(t.topic)) return [];
      return [{ topic: t.topic, status: keep.has(t.topic) ? ConsentStatus.OPTIN : ConsentStatus.OPTOUT }];
    });
    return this.record(link, origin, 'preference-page', changes);
  }

  /** The changes that took effect (a repeat, or a change older than the record, did not). */
  private async record(link: OpenedLink, origin: PersonOrigin, dialect: Dialect, changes: PreferenceChange[]): Promise<PreferenceChange[]> {
    if (changes.length === 0) return [];
    const actor: ActorContext = { orgId: link.orgId, apiKeyId: null, dialect, ...origin };
    try {
      const outcome = await this.consents.apply(actor, {
        customerId: link.customerId,
        changes: changes.map((c) => ({ channel: link.channel, topic: c.topic, accountId: link.accountId, address: link.address, status: c.status })),
        reason: dialect === 'one-click' ? 'one-click unsubscribe' : 'preference page',
        proof: { kid: link.kid, linkIssuedAt: new Date(link.issuedAt * 1000).toISOString() },
        createMissing: true,
      });
      return outcome.applied.map((a) => ({ topic: a.change.topic, status: a.change.status }));
    } catch (error) {
      // Erased between the page and the click: nothing to record, nothing to tell.
      if (error instanceof DomainError && error.kind === 'not_found') return [];
      throw error;
    }
  }

  /**
   * The link's topic and the person's other topics on its channel and account, with whether each
   * allows sending to the link's address now (the precedence rule decides, as for any sender).
   */
  private async topicsOf(link: OpenedLink): Promise<TopicChoice[] | null> {
    const rows: Array<{ topic: string }> = await this.dataSource.query(
      `SELECT DISTINCT c.topic FROM consents c
       WHERE c.org_id = $1 AND c.channel = $3 AND c.account_id = $4
         AND c.customer_id = (SELECT COALESCE(merged_into, id) FROM customers WHERE org_id = $1 AND id = $2)
       ORDER BY c.topic`,
      [link.orgId, link.customerId, link.channel, link.accountId],
    );
    const names = [...new Set([...(link.topic ? [link.topic] : []), ...rows.map((r) => r.topic)])];
    if (names.length === 0) {
      const [known] = await this.dataSource.query('SELECT 1 FROM customers WHERE org_id = $1 AND id = $2 AND erased_at IS NULL', [
        link.orgId,
        link.customerId,
      ]);
      return known ? [] : null;
    }
    const answers = await this.decisions.decideAll(
      { orgId: link.orgId },
      names.map((topic) => ({ customer: { customerId: link.customerId }, channel: link.channel, topic, accountId: link.accountId, address: link.address })),
    );
    if (answers.some((a) => 'error' in a)) return null;
    return names.map((topic, i) => ({ topic, subscribed: allowsSending((answers[i] as { status: ConsentStatus }).status) }));
  }
}
