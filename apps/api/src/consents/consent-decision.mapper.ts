import { AddressDecision, ConsentDecision, ConsentLedgerEntry, CustomerConsentQuestion, DecidingRecord, DecisionFailure } from '@app/domain';
import { DecisionQuestionDto } from './dto/consent-decisions.dto';

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

/** The deciding record with its ledger entry (one literal, no spread: a bulk answer builds a thousand). */
const toDecidedBy = (level: string, { record, ledgerEntry }: DecidingRecord) => ({
  level,
  channel: record.channel,
  topic: record.topic,
  accountId: record.accountId,
  address: record.address,
  addressType: record.addressType,
  status: record.status,
  occurredAt: record.occurredAt.toISOString(),
  updatedAt: record.updatedAt.toISOString(),
  ledgerEntry: ledgerEntry ? toLedgerEntry(ledgerEntry) : null,
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
  return answerBody({}, decision);
}

/** A bulk item: the single endpoint's answer with the customer it is about, or the item's error. */
export function toDecisionItem(outcome: ConsentDecision | DecisionFailure) {
  return 'error' in outcome ? outcome : answerBody({ customerId: outcome.customerId }, outcome);
}

/** The answer's fields, added to `answer` in their documented order. */
function answerBody(answer: Record<string, unknown>, decision: ConsentDecision) {
  answer.allowed = decision.allowed;
  answer.status = decision.status;
  answer.decidedBy = decision.decidedBy ? toDecidedBy(decision.level, decision.decidedBy) : null;
  if (decision.addresses) answer.addresses = decision.addresses.map(toAddressAnswer);
  if (decision.mergedInto !== null) answer.mergedInto = decision.mergedInto;
  return answer;
}

export function toCustomerConsentQuestion({ customerId, identifier, ...question }: DecisionQuestionDto): CustomerConsentQuestion {
  return { ...question, customer: identifier ? { identifier: { type: identifier.type, value: identifier.value } } : { customerId: customerId! } };
}
