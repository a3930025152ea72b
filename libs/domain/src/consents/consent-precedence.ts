import { allowsSending, ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';

/** The parts of a consent record the precedence rule reads. */
export interface RecordedConsent {
  status: ConsentStatus;
  /** Ledger ids only grow, so the higher one was recorded later. */
  lastLedgerId: number | null;
}

export interface Precedence<R extends RecordedConsent> {
  allowed: boolean;
  status: ConsentStatus;
  /** The record that decided; null when none applies and the implicit default decided. */
  decidedBy: R | null;
  level: 'address' | 'channel' | 'default';
}

/**
 * THE precedence rule between a channel-wide record and an address-level record of the same
 * customer, channel, topic and account. It is applied here and nowhere else:
 *
 * 1. An address-level record that forbids sending decides: a channel-wide opt-in never lifts it.
 * 2. A channel-wide record that forbids sending decides, unless the address-level record allows
 *    sending AND was recorded after it (the more specific, more recent word wins).
 * 3. Otherwise the most specific record decides (address, then channel).
 * 4. With no record, the implicit default (OPTIN, Capillary's rule for a registered customer).
 *
 * So an opt-out is never overridden by a less specific opt-in, nor by an older one.
 */
export function decideConsent<R extends RecordedConsent>(channelRecord: R | null, addressRecord: R | null): Precedence<R> {
  const decide = (record: R, level: 'address' | 'channel'): Precedence<R> => ({
    allowed: allowsSending(record.status),
    status: record.status,
    decidedBy: record,
    level,
  });
  if (addressRecord && !allowsSending(addressRecord.status)) return decide(addressRecord, 'address');
  if (channelRecord && !allowsSending(channelRecord.status)) {
    const laterOptIn = addressRecord && (addressRecord.lastLedgerId ?? 0) > (channelRecord.lastLedgerId ?? 0);
    return laterOptIn ? decide(addressRecord, 'address') : decide(channelRecord, 'channel');
  }
  if (addressRecord) return decide(addressRecord, 'address');
  if (channelRecord) return decide(channelRecord, 'channel');
  return { allowed: allowsSending(DEFAULT_CONSENT_STATUS), status: DEFAULT_CONSENT_STATUS, decidedBy: null, level: 'default' };
}
