import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { ErrorCodes, notFound } from '../common/domain-error';
import { poolQuery } from '../common/raw-client';
import { CustomerReference, namedCustomerIds, OrgScope } from '../customers/customer-references';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';
import { decideConsent, decideWithoutAddress, Precedence } from './consent-precedence';
import { Consent } from './consent.entity';
import { normalizeAddress } from './contact-address';
import { AskedKey, QuestionRecords, readQuestionRecords } from './decision-records';

/** "May I send on this channel and topic, to this address?" */
export interface ConsentQuestion {
  channel: Channel;
  topic: string;
  accountId?: string;
  /**
   * Omitted or '': the question for the customer as a whole, which sees the channel-wide record
   * and every address-level record of that channel and topic.
   */
  address?: string;
}

/** A question of a bulk request: it names its customer itself. */
export type CustomerConsentQuestion = ConsentQuestion & { customer: CustomerReference };

/** A record that decided, with the ledger entry that set it. */
export interface DecidingRecord {
  record: Consent;
  ledgerEntry: ConsentLedgerEntry | null;
}

export interface AddressDecision {
  address: string;
  allowed: boolean;
  status: ConsentStatus;
  level: 'address' | 'channel';
  decidedBy: DecidingRecord;
}

export interface ConsentDecision {
  /** The customer the answer is about: the survivor when the one named was merged. */
  customerId: number;
  /** Set when the customer named was merged into another: the survivor answered instead. */
  mergedInto: number | null;
  allowed: boolean;
  status: ConsentStatus;
  level: 'address' | 'channel' | 'default';
  /** The record that decided with the ledger entry that set it; null when the default decided. */
  decidedBy: DecidingRecord | null;
  /** Only for a question without an address: each address-level record with its own answer. */
  addresses?: AddressDecision[];
}

/** A bulk item that could not be answered (an unknown customer); the other items still are. */
export interface DecisionFailure {
  error: { code: string; message: string };
}

const UNKNOWN_CUSTOMER: DecisionFailure = {
  error: { code: ErrorCodes.CUSTOMER_NOT_FOUND, message: 'No customer found with the given identifier' },
};

/** The one place the precedence rule answers questions (see consent-precedence). */
@Injectable()
export class ConsentDecisionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One question about one customer; an unknown customer (or another org's) is a not-found error. */
  async decide(scope: OrgScope, customerId: number, question: ConsentQuestion): Promise<ConsentDecision> {
    const [answer] = await this.decideAll(scope, [{ ...question, customer: { customerId } }]);
    if ('error' in answer) throw notFound(answer.error.code, answer.error.message);
    return answer;
  }

  /**
   * Many questions, answered in their order, in one statement whatever their number (two when a
   * question names its customer by an identifier: its owner is found first). An unknown customer
   * fails only its own item.
   */
  async decideAll(scope: OrgScope, questions: CustomerConsentQuestion[]): Promise<Array<ConsentDecision | DecisionFailure>> {
    const named = await namedCustomerIds(poolQuery(this.dataSource), scope, questions.map((q) => q.customer));
    const asked = questions.map((question, i) => keyOf(named[i], question, scope.phoneRegion));
    const read = await readQuestionRecords(this.dataSource, scope.orgId, asked);
    return read.map((records, i) => (records ? answerOf(asked[i], records) : UNKNOWN_CUSTOMER));
  }
}

function keyOf(named: number | null, question: ConsentQuestion, phoneRegion: string | undefined): AskedKey {
  const address = normalizeAddress(question.channel, question.address ?? '', phoneRegion);
  return { named, channel: question.channel, topic: question.topic, accountId: question.accountId ?? '', address: address || null };
}

/**
 * With an address: that address against the channel-wide record. Without: every address.
 * (Built field by field: a bulk request builds a thousand of these, and object rest and spread
 * copies were the largest single cost of answering them in the profile.)
 */
function answerOf(key: AskedKey, records: QuestionRecords): ConsentDecision {
  const withEntry = (record: Consent): DecidingRecord => ({ record, ledgerEntry: records.ledgerEntryOf(record) });
  const { channelRecord, addressRecords } = records;
  const { customerId, mergedInto } = records.customer;
  const answer = (precedence: Precedence<Consent>): ConsentDecision => ({
    customerId,
    mergedInto,
    allowed: precedence.allowed,
    status: precedence.status,
    level: precedence.level,
    decidedBy: precedence.decidedBy && withEntry(precedence.decidedBy),
  });
  if (key.address !== null) return answer(decideConsent(channelRecord, addressRecords[0] ?? null));
  const precedence = decideWithoutAddress(channelRecord, addressRecords);
  const whole = answer(precedence);
  whole.addresses = precedence.addresses.map((p) => ({
    address: p.address,
    allowed: p.allowed,
    status: p.status,
    level: p.level,
    decidedBy: withEntry(p.decidedBy),
  }));
  return whole;
}
