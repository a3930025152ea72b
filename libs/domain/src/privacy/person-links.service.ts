import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ErrorCodes } from '../common/domain-error';
import { normalizeAddress } from '../consents/contact-address';
import { OrgScope, resolveCustomerReferences } from '../customers/customer-references';
import { kidOf, LinkSubject, openLinkToken, signLinkToken } from './link-token';
import { OrgSecretsService } from './org-secrets.service';

/** Where the pages a person opens live, below PUBLIC_URL. */
export const PERSON_PATHS = {
  unsubscribe: (token: string) => `/u/${token}`,
  oneClick: (token: string) => `/u/${token}/one-click`,
  confirm: (token: string) => `/c/${token}`,
};

export interface LinkRequest {
  customerId: number;
  channel: Channel;
  topic?: string;
  address?: string;
  accountId?: string;
}

export interface UnsubscribeLinks {
  url: string;
  oneClickUrl: string;
  /** The two headers RFC 8058 asks of a message, ready to copy. */
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** An opened link: what it is about, and the key that signed it (recorded as proof). */
export type OpenedLink = LinkSubject & { kid: string };

export type LinkResult = UnsubscribeLinks | { error: { code: string; message: string } };

/**
 * Mints and opens the signed links of the person's side. A link is a stateless token: minting
 * writes nothing (beyond an org's first generated key), opening needs no row per link.
 */
@Injectable()
export class PersonLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secrets: OrgSecretsService,
  ) {}

  /** Links for each request, in order; an unknown customer (or another org's) fails only its own item. */
  async unsubscribeLinks(scope: OrgScope, requests: LinkRequest[]): Promise<LinkResult[]> {
    const customers = await resolveCustomerReferences(
      this.dataSource,
      scope,
      requests.map((r) => ({ customerId: r.customerId })),
    );
    const key = await this.secrets.signingKey(scope.orgId);
    const issuedAt = Math.floor(Date.now() / 1000);
    return requests.map((request, i) => {
      if (!customers[i]) return { error: { code: ErrorCodes.CUSTOMER_NOT_FOUND, message: 'No customer found with the given identifier' } };
      const token = signLinkToken(
        {
          purpose: 'unsubscribe',
          orgId: scope.orgId,
          // The id asked for: a later merge still lands the person's word on the survivor.
          customerId: request.customerId,
          channel: request.channel,
          topic: request.topic ?? '',
          accountId: request.accountId ?? '',
          address: normalizeAddress(request.channel, request.address ?? '', scope.phoneRegion),
          issuedAt,
        },
        key,
      );
      const url = this.urlOf(PERSON_PATHS.unsubscribe(token));
      const oneClickUrl = this.urlOf(PERSON_PATHS.oneClick(token));
      return {
        url,
        oneClickUrl,
        headers: { 'List-Unsubscribe': `<${oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      };
    });
  }

  /** A confirm link for a double opt-in request. */
  async confirmUrl(subject: Omit<LinkSubject, 'purpose' | 'issuedAt'>): Promise<string> {
    const key = await this.secrets.signingKey(subject.orgId);
    const token = signLinkToken({ ...subject, purpose: 'confirm', issuedAt: Math.floor(Date.now() / 1000) }, key);
    return this.urlOf(PERSON_PATHS.confirm(token));
  }

  /**
   * What a token is about, or null for anything optline did not sign for this purpose: a
   * tampered token, an unknown or retired key, another org's generated key.
   */
  async open(token: string, purpose: LinkSubject['purpose']): Promise<OpenedLink | null> {
    const kid = kidOf(token);
    const key = kid && (await this.secrets.verifyingKey(kid));
    const subject = key ? openLinkToken(token, key) : null;
    if (!key || !subject || subject.purpose !== purpose) return null;
    if (key.orgId !== null && key.orgId !== subject.orgId) return null;
    return { ...subject, kid: key.kid };
  }

  private urlOf(path: string): string {
    return `${this.config.personSide.publicUrl}${path}`;
  }
}
