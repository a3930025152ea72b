import { AddressDecision, Consent, ConsentDecision, ConsentLedgerEntry, CustomerConsentQuestion, DecidingRecord, DecisionFailure } from '@app/domain';
import { DecisionQuestionDto } from './dto/consent-decisions.dto';

const toRecord = (r: Consent) => ({
  channel: r.channel,
  topic: r.topic,
  accountId: r.accountId,
  address: r.address,
  addressType: r.addressType,
  status: r.status,
  occurredAt: r.occurredAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const toLedgerEntry = (e: ConsentLedgerEntry) => ({
  id: e.id,
  previousStatus: e.previousStatus,
  status: e.status,
  dialect: e.dialect,
  sourceName: e.sourceName,
  apiKeyId: e.apiKeyId,
  actor: e.actor,
  reason: e.reason,
  campaignId: e.campaignId,
  communicationId: e.communicationId,
  proof: e.proof,
  ip: e.ip,
  userAgent: e.userAgent,
  requestId: e.requestId,
  eventId: e.eventId,
  // Rows older than the column have no time of their own: when they were recorded is the best evidence.
  occurredAt: (e.occurredAt ?? e.createdAt).toISOString(),
  createdAt: e.createdAt.toISOString(),
});

const toDecidedBy = (level: string, by: DecidingRecord) => ({
  level,
  ...toRecord(by.record),
  ledgerEntry: by.ledgerEntry ? toLedgerEntry(by.ledgerEntry) : null,
});

const toAddressAnswer = (a: AddressDecision) => ({
  address: a.address,
  allowed: a.allowed,
  status: a.status,
  decidedBy: toDecidedBy(a.level, a.decidedBy),
});

/**
 * `{ allowed, status, decidedBy }`: the deciding record with its ledger entry, or null for the
 * default; `addresses` for a question without an address; `mergedInto` when the customer named
 * was merged and its survivor answered.
 */
export function toConsentAnswer(decision: ConsentDecision) {
  const by = decision.decidedBy;
  return {
    allowed: decision.allowed,
    status: decision.status,
    decidedBy: by ? toDecidedBy(decision.level, by) : null,
    ...(decision.addresses ? { addresses: decision.addresses.map(toAddressAnswer) } : {}),
    ...(decision.mergedInto !== null ? { mergedInto: decision.mergedInto } : {}),
  };
}

/** A bulk item: the single endpoint's answer with the customer it is about, or the item's error. */
export function toDecisionItem(outcome: ConsentDecision | DecisionFailure) {
  return 'error' in outcome ? outcome : { customerId: outcome.customerId, ...toConsentAnswer(outcome) };
}

export function toCustomerConsentQuestion({ customerId, identifier, ...question }: DecisionQuestionDto): CustomerConsentQuestion {
  return { ...question, customer: identifier ? { identifier: { type: identifier.type, value: identifier.value } } : { customerId: customerId! } };
}
