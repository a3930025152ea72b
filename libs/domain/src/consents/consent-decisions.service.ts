import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Channel } from '../common/channel';
import { allowsSending, ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';
import { ErrorCodes, notFound } from '../common/domain-error';
import { poolQuery } from '../common/raw-client';
import { CustomerReference, namedCustomerIds, OrgScope, ResolvedCustomer } from '../customers/customer-references';
import { decidingRecord, decidingRecordWithoutAddress, inAddressOrder } from './consent-precedence';
import { normalizeAddress } from './contact-address';
import { AskedKey, DecidingRecord, QuestionRecords, QuestionRecordsReader, ReadRecord } from './decision-records';

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

export type { DecidingLedgerEntry, DecidingRecord } from './decision-records';

/** One address of a question asked without an address, answered as if it had been asked for it. */
export interface AddressDecision {
  address: string;
  allowed: boolean;
  status: ConsentStatus;
  decidedBy: DecidingRecord;
}

/**
 * An answer, its fields in the order optline's own API shows them: the native answer is this
 * object as is (building a copy of a thousand answers was half a bulk request's garbage).
 */
export interface ConsentDecision {
  /** The customer the answer is about: the survivor when the one named was merged. */
  customerId: number;
  allowed: boolean;
  status: ConsentStatus;
  /** The record that decided (its level says which) with its ledger entry; null when the default decided. */
  decidedBy: DecidingRecord | null;
  /** Only for a question without an address: each address-level record with its own answer. */
  addresses?: AddressDecision[];
  /** Set when the customer named was merged into another: the survivor answered instead. */
  mergedInto?: number;
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
  private readonly reader: QuestionRecordsReader;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.reader = new QuestionRecordsReader(dataSource);
  }

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
    const { keys, records, positions } = await this.reader.read(scope.orgId, asked);
    // One answer per distinct question: a question asked twice shows the same answer in both places.
    const answers = records.map((read, i) => (read ? answerOf(keys[i], read) : UNKNOWN_CUSTOMER));
    return positions.map((position) => answers[position]);
  }
}

function keyOf(named: number | null, question: ConsentQuestion, phoneRegion: string | undefined): AskedKey {
  const address = normalizeAddress(question.channel, question.address ?? '', phoneRegion);
  return { named, channel: question.channel, topic: question.topic, accountId: question.accountId ?? '', address: address || null };
}

/** With an address: that address against the channel-wide record. Without: every address. */
function answerOf(key: AskedKey, read: QuestionRecords): ConsentDecision {
  const { channelRecord, addressRecords } = read;
  if (key.address !== null) return answer(read.customer, decidingRecord(channelRecord, addressRecords[0] ?? null));
  const byAddress = inAddressOrder(addressRecords);
  const addresses = byAddress.map((record): AddressDecision => {
    const decider = decidingRecord(channelRecord, record)!; // an address-level record is there: never the default
    return { address: record.address, allowed: allowsSending(decider.status), status: decider.status, decidedBy: decider.shown };
  });
  return answer(read.customer, decidingRecordWithoutAddress(channelRecord, byAddress), addresses);
}

/** The answer of the record that decided (null: the implicit default), built field by field in the shown order. */
function answer(customer: ResolvedCustomer, decider: ReadRecord | null, addresses?: AddressDecision[]): ConsentDecision {
  const status = decider ? decider.status : DEFAULT_CONSENT_STATUS;
  const decision: ConsentDecision = { customerId: customer.customerId, allowed: allowsSending(status), status, decidedBy: decider ? decider.shown : null };
  if (addresses) decision.addresses = addresses;
  if (customer.mergedInto !== null) decision.mergedInto = customer.mergedInto;
  return decision;
}
