import { ConsentDecision, CustomerConsentQuestion, DecisionFailure } from '@app/domain';
import { DecisionQuestionDto } from './dto/consent-decisions.dto';

/**
 * `{ allowed, status, decidedBy }`: the deciding record with its ledger entry, or null for the
 * default; `addresses` for a question without an address; `mergedInto` when the customer named
 * was merged and its survivor answered.
 */
export function toConsentAnswer({ allowed, status, decidedBy, addresses, mergedInto }: ConsentDecision) {
  return { allowed, status, decidedBy, addresses, mergedInto };
}

/**
 * A bulk item: the single endpoint's answer with the customer it is about, or the item's error.
 * The domain's answer is that item already, its fields in the documented order (see
 * ConsentDecision): a thousand copies of it were half a bulk request's garbage.
 */
export const toDecisionItem = (outcome: ConsentDecision | DecisionFailure) => outcome;

export function toCustomerConsentQuestion(question: DecisionQuestionDto): CustomerConsentQuestion {
  const { customerId, identifier } = question;
  // Field by field, not rest and spread: a bulk request maps a thousand of these.
  return {
    channel: question.channel,
    topic: question.topic,
    accountId: question.accountId,
    address: question.address,
    customer: identifier ? { identifier: { type: identifier.type, value: identifier.value } } : { customerId: customerId! },
  };
}
