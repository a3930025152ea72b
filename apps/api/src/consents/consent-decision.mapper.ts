import { Consent, ConsentDecision, ConsentLedgerEntry } from '@app/domain';

const toRecord = (r: Consent) => ({
  channel: r.channel,
  topic: r.topic,
  accountId: r.accountId,
  address: r.address,
  addressType: r.addressType,
  status: r.status,
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
  createdAt: e.createdAt.toISOString(),
});

/** `{ allowed, status, decidedBy }`: the deciding record with its ledger entry, or null for the default. */
export function toConsentAnswer(decision: ConsentDecision) {
  const by = decision.decidedBy;
  return {
    allowed: decision.allowed,
    status: decision.status,
    decidedBy: by
      ? { level: decision.level, ...toRecord(by.record), ledgerEntry: by.ledgerEntry ? toLedgerEntry(by.ledgerEntry) : null }
      : null,
  };
}
