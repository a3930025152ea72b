import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toPhoneRegion } from '../common/contact-spelling';
import { conflict, DomainError, ErrorCodes, invalid, notFound } from '../common/domain-error';
import { CustomerMergeService } from '../customers/customer-merge.service';
import { respellStoredContacts } from '../customers/shared-identifiers';
import { RespellingReport } from '../customers/stored-contacts';
import { EventNotifier } from '../events/event-notifier';
import { generateApiKey, hashApiKey, keyPrefix, sameHash } from './api-key-secret';
import { ApiKey } from './api-key.entity';
import { checkedBranding, OrgBranding } from './org-branding';
import { Org } from './org.entity';

export interface AuthenticatedKey {
  orgId: string;
  orgSlug: string;
  apiKeyId: string;
  /** The org's region for national phone numbers, else the env default; undefined: none. */
  phoneRegion?: string;
  /** The org's own requests per second per key; undefined: the env default. */
  rateLimitPerSecond?: number;
}

export interface PhoneRegionChange {
  orgSlug: string;
  /** The org's own setting; null: it follows DEFAULT_PHONE_REGION. */
  setting: string | null;
  /** The region requests of the org now use. */
  effective?: string;
  /** Stored identifiers and consent addresses read again in the new region, and who turned out to share one. */
  respelled: RespellingReport;
}

/** An org named by its id (an API key's org) or its slug (the CLI). */
export type OrgRef = { id: string } | { slug: string };

export interface OrgBrandingView extends OrgBranding {
  slug: string;
}

export interface IssuedKey {
  id: string;
  orgSlug: string;
  /** The key itself: shown once, never stored. */
  key: string;
}

/**
 * How long a verified key is trusted without asking Postgres again. Short, so a revoked key stops
 * working within seconds, and long enough to take the lookup off every request under load.
 */
const KEY_CACHE_MS = 5000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class OrgsService {
  private readonly keyCache = new Map<string, { key: AuthenticatedKey; until: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly merges: CustomerMergeService,
    private readonly notifier: EventNotifier,
  ) {}

  async createOrg(slug: string, presetKey?: string): Promise<IssuedKey> {
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(Org, { slug });
      if (existing) throw conflict(ErrorCodes.ORG_EXISTS, `Org ${slug} already exists`);
      const org = await manager.save(manager.create(Org, { slug }));
      return this.insertKey(manager.getRepository(ApiKey), org, presetKey);
    });
  }

  async createKey(slug: string): Promise<IssuedKey> {
    const org = await this.dataSource.getRepository(Org).findOneBy({ slug });
    if (!org) throw notFound(ErrorCodes.ORG_NOT_FOUND, `Org ${slug} not found`);
    return this.insertKey(this.dataSource.getRepository(ApiKey), org);
  }

  async revokeKey(keyId: string): Promise<void> {
    // Key ids are uuids: anything else names no key (and would be a raw Postgres error).
    if (!UUID.test(keyId)) throw notFound(ErrorCodes.KEY_NOT_FOUND, `Active key ${keyId} not found`);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ApiKey)
      .set({ revokedAt: () => 'now()' })
      .where('id = :keyId AND revoked_at IS NULL', { keyId })
      .execute();
    if (!result.affected) throw notFound(ErrorCodes.KEY_NOT_FOUND, `Active key ${keyId} not found`);
    this.keyCache.clear();
  }

  async findBySlug(slug: string): Promise<Org> {
    const org = await this.dataSource.getRepository(Org).findOneBy({ slug });
    if (!org) throw notFound(ErrorCodes.ORG_NOT_FOUND, `Org ${slug} not found`);
    return org;
  }

  async listKeys(slug: string): Promise<ApiKey[]> {
    const org = await this.findBySlug(slug);
    return this.dataSource.getRepository(ApiKey).find({ where: { orgId: org.id }, order: { createdAt: 'ASC' } });
  }

  /**
   * Sets the region in which the org's national phone numbers are read (null: the env default),
   * and reads its stored mobiles and phone addresses again in it, in one transaction, so that a
   * number stored before in national format meets its E.164 spelling from now on.
   */
  /** Sets the org's requests per second per key (null: the env default); every API process sees it within KEY_CACHE_MS. */
  async setRateLimit(slug: string, perSecond: number | null): Promise<void> {
    if (perSecond !== null && !(Number.isSafeInteger(perSecond) && perSecond > 0)) {
      throw invalid(ErrorCodes.INVALID_RATE_LIMIT, `${perSecond} is not a positive whole number of requests per second`);
    }
    const result = await this.dataSource.getRepository(Org).update({ slug }, { rateLimitPerSecond: perSecond });
    if (!result.affected) throw notFound(ErrorCodes.ORG_NOT_FOUND, `Org ${slug} not found`);
    this.keyCache.clear();
  }

  /** How the person's pages present the org (null fields: the defaults). */
  async branding(where: OrgRef): Promise<OrgBrandingView> {
    const org = await this.dataSource.getRepository(Org).findOneBy(where);
    if (!org) throw notFound(ErrorCodes.ORG_NOT_FOUND, `Org ${'slug' in where ? where.slug : where.id} not found`);
    return { slug: org.slug, displayName: org.displayName, logoUrl: org.logoUrl, accentColor: org.accentColor };
  }

  /**
   * Changes the branding fields given (null: back to the default; left out: kept), each checked
   * first (INVALID_BRANDING, nothing written). The pages read it on every request.
   */
  async setBranding(where: OrgRef, asked: Partial<OrgBranding>): Promise<OrgBrandingView> {
    const checked = checkedBranding(asked);
    const changes = Object.fromEntries(Object.entries(checked).filter(([, v]) => v !== undefined));
    const result = Object.keys(changes).length ? await this.dataSource.getRepository(Org).update(where, changes) : null;
    if (result && !result.affected) throw notFound(ErrorCodes.ORG_NOT_FOUND, `Org ${'slug' in where ? where.slug : where.id} not found`);
    return this.branding(where);
  }

  async setPhoneRegion(slug: string, region: string | null): Promise<PhoneRegionChange> {
    const setting = region === null ? null : toPhoneRegion(region);
    if (setting === undefined) {
      throw invalid(ErrorCodes.INVALID_PHONE_REGION, `${region} is not a region code such as RU or IN`);
    }
    const effective = setting ?? this.config.defaultPhoneRegion;
    const { respelled, eventIds } = await this.dataSource.transaction(async (manager) => {
      const org = await manager.findOneBy(Org, { slug });
      if (!org) throw notFound(ErrorCodes.ORG_NOT_FOUND, `Org ${slug} not found`);
      await manager.update(Org, { id: org.id }, { phoneRegion: setting });
      // Two customers now holding one number are one person: they are merged, every opt-out kept.
      const { report, eventIds } = await respellStoredContacts(manager, this.merges, {
        orgId: org.id,
        defaultRegion: this.config.defaultPhoneRegion,
      });
      return { respelled: report, eventIds };
    });
    await this.notifier.eventsCommitted(eventIds);
    // This process sees the change at once; others within KEY_CACHE_MS.
    this.keyCache.clear();
    return { orgSlug: slug, setting, effective, respelled };
  }

  /**
   * Creates the org and key named by BOOTSTRAP_ORG/BOOTSTRAP_API_KEY when missing. Idempotent, and
   * safe when several API replicas start at once (the unique constraints settle the race).
   */
  async bootstrap(slug: string, key: string): Promise<void> {
    const org = await this.dataSource.getRepository(Org).findOneBy({ slug });
    try {
      if (!org) {
        await this.createOrg(slug, key);
        return;
      }
      const known = await this.dataSource.getRepository(ApiKey).findOneBy({ keyHash: hashApiKey(key) });
      if (!known) await this.insertKey(this.dataSource.getRepository(ApiKey), org, key);
    } catch (error) {
      const lostRace =
        (error as { code?: string }).code === '23505' ||
        (error instanceof DomainError && error.code === ErrorCodes.ORG_EXISTS);
      if (!lostRace) throw error;
    }
  }

  /**
   * Resolves a presented key. With `orgSlug` (Basic auth) the key must belong to that org.
   * Returns undefined for a missing, wrong or revoked key: callers answer 401 without detail.
   */
  async authenticate(key: string, orgSlug?: string): Promise<AuthenticatedKey | undefined> {
    const hash = hashApiKey(key);
    const cached = this.keyCache.get(hash);
    let found = cached && cached.until > Date.now() ? cached.key : undefined;
    if (!found) {
      const rows: Array<{ id: string; key_hash: string; org_id: string; slug: string; phone_region: string | null; rate_limit_per_second: number | null }> =
        await this.dataSource.query(
          `SELECT k.id, k.key_hash, k.org_id, o.slug, o.phone_region, o.rate_limit_per_second FROM api_keys k JOIN orgs o ON o.id = k.org_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
          [hash],
        );
      const row = rows[0];
      if (!row || !sameHash(row.key_hash, hash)) return undefined;
      const phoneRegion = row.phone_region ?? this.config.defaultPhoneRegion;
      found = { orgId: row.org_id, orgSlug: row.slug, apiKeyId: row.id, phoneRegion, rateLimitPerSecond: row.rate_limit_per_second ?? undefined };
      this.keyCache.set(hash, { key: found, until: Date.now() + KEY_CACHE_MS });
    }
    if (orgSlug !== undefined && orgSlug !== found.orgSlug) return undefined;
    return found;
  }

  private async insertKey(
    repo: ReturnType<DataSource['getRepository']>,
    org: Org,
    presetKey?: string,
  ): Promise<IssuedKey> {
    const key = presetKey ?? generateApiKey();
    const saved = (await repo.save(
      repo.create({ orgId: org.id, keyHash: hashApiKey(key), keyPrefix: keyPrefix(key) }),
    )) as ApiKey;
    return { id: saved.id, orgSlug: org.slug, key };
  }
}
