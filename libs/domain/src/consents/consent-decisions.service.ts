import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { CustomersService } from '../customers/customers.service';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';
import { decideConsent } from './consent-precedence';
import { Consent } from './consent.entity';
import { normalizeAddress } from './contact-address';

/** "May I send on this channel and topic, to this address?" */
export interface ConsentQuestion {
  channel: Channel;
  topic: string;
  accountId?: string;
  /** Omitted or '': the channel-wide question, which only the channel-wide record answers. */
  address?: string;
}

export interface ConsentDecision {
  allowed: boolean;
  status: ConsentStatus;
  level: 'address' | 'channel' | 'default';
  /** The record that decided with the ledger entry that set it; null when the default decided. */
  decidedBy: { record: Consent; ledgerEntry: ConsentLedgerEntry | null } | null;
}

/** The one place the precedence rule answers a question (see decideConsent). */
@Injectable()
export class ConsentDecisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
  ) {}

  async decide(orgId: string, customerId: number, question: ConsentQuestion): Promise<ConsentDecision> {
    await this.customers.requireCustomer(orgId, customerId);
    const address = normalizeAddress(question.channel, question.address ?? '');
    const where = { orgId, customerId, channel: question.channel, topic: question.topic, accountId: question.accountId ?? '' };
    // Both records in one read, so a write that changes both is seen whole or not at all.
    const records = await this.dataSource.getRepository(Consent).find({ where: [{ ...where, address: '' }, { ...where, address }] });
    const channelRecord = records.find((r) => r.address === '') ?? null;
    const addressRecord = address ? (records.find((r) => r.address === address) ?? null) : null;
    const decision = decideConsent(channelRecord, addressRecord);
    const record = decision.decidedBy;
    const ledgerEntry =
      record?.lastLedgerId != null
        ? await this.dataSource.getRepository(ConsentLedgerEntry).findOneBy({ orgId, id: record.lastLedgerId })
        : null;
    return {
      allowed: decision.allowed,
      status: decision.status,
      level: decision.level,
      decidedBy: record ? { record, ledgerEntry } : null,
    };
  }
}
