import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SigningKey } from './link-token';

type SecretPurpose = 'link-signing' | 'erasure-pepper';

/** A key that verifies links, and the org it is limited to (null: a configured key, valid for every org). */
export interface VerifyingKey extends SigningKey {
  orgId: string | null;
}

/**
 * The secrets of the person's side. Configured ones (UNSUBSCRIBE_SIGNING_KEYS, ERASURE_PEPPER)
 * win; without them each org gets its own, generated on first use and stored, so development
 * needs no setting. Secrets never change once stored, so they are cached for the process's life.
 */
@Injectable()
export class OrgSecretsService {
  private readonly byKid = new Map<string, VerifyingKey>();
  private readonly byOrg = new Map<string, VerifyingKey>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The key that signs the org's new links. */
  async signingKey(orgId: string): Promise<SigningKey> {
    const [configured] = this.config.personSide.signingKeys;
    return configured ?? (await this.orgSecret(orgId, 'link-signing'));
  }

  /** The key a token names, if optline knows it: a configured one, or an org's generated one. */
  async verifyingKey(kid: string): Promise<VerifyingKey | null> {
    const configured = this.config.personSide.signingKeys.find((k) => k.kid === kid);
    if (configured) return { ...configured, orgId: null };
    const cached = this.byKid.get(kid);
    if (cached) return cached;
    const [row]: Array<{ org_id: string; secret: string }> = await this.dataSource.query(
      "SELECT org_id, secret FROM org_secrets WHERE kid = $1 AND purpose = 'link-signing'",
      [kid],
    );
    if (!row) return null;
    const key = { kid, secret: row.secret, orgId: row.org_id };
    this.byKid.set(kid, key);
    return key;
  }

  /**
   * The keyed hash of an address in an org: what erasure leaves of it in the ledger and in the
   * suppression list. HMAC with a server-side pepper, so a leaked table cannot be reversed by
   * hashing a list of known addresses.
   */
  async addressDigester(orgId: string): Promise<(address: string) => string> {
    const pepper = this.config.personSide.erasurePepper ?? (await this.orgSecret(orgId, 'erasure-pepper')).secret;
    return (address) => createHmac('sha256', pepper).update(`${orgId}\u0000${address}`).digest('base64url');
  }

  private async orgSecret(orgId: string, purpose: SecretPurpose): Promise<VerifyingKey> {
    const cacheKey = `${orgId}:${purpose}`;
    const cached = this.byOrg.get(cacheKey);
    if (cached) return cached;
    // Two first uses at once: one insert wins, both read the winner.
    await this.dataSource.query(
      `INSERT INTO org_secrets (kid, org_id, purpose, secret) VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, purpose) DO NOTHING`,
      [`o${randomBytes(8).toString('hex')}`, orgId, purpose, randomBytes(32).toString('base64url')],
    );
    const [row]: Array<{ kid: string; secret: string }> = await this.dataSource.query(
      'SELECT kid, secret FROM org_secrets WHERE org_id = $1 AND purpose = $2',
      [orgId, purpose],
    );
    const key = { kid: row.kid, secret: row.secret, orgId };
    this.byOrg.set(cacheKey, key);
    return key;
  }
}
