import { allowsSending, ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';

/** The parts of a consent record the precedence rule reads. */
export interface RecordedConsent {
  status: ConsentStatus;
  address: string;
  /**
   * When the change that set the status happened. Not the ledger id: a change can arrive after
   * one that happened later (a dialect's own time), so the order of recording proves nothing.
   */
  occurredAt: Date;
}

export interface Precedence<R extends RecordedConsent> {
  allowed: boolean;
  status: ConsentStatus;
  /** The record that decided; null when none applies and the implicit default decided. */
  decidedBy: R | null;
  level: 'address' | 'channel' | 'default';
}

/** One address of a question asked without an address, answered as if it had been asked for it. */
export interface AddressPrecedence<R extends RecordedConsent> extends Precedence<R> {
  address: string;
  decidedBy: R;
  level: 'address' | 'channel';
}

/** The answer to a question without an address: the whole, and each address-level record's own. */
export interface ChannelPrecedence<R extends RecordedConsent> extends Precedence<R> {
  addresses: AddressPrecedence<R>[];
}

const IMPLICIT_DEFAULT = {
  allowed: allowsSending(DEFAULT_CONSENT_STATUS),
  status: DEFAULT_CONSENT_STATUS,
  decidedBy: null,
  level: 'default',
} as const;

const decidedBy = <R extends RecordedConsent, L extends 'address' | 'channel'>(record: R, level: L) => ({
  allowed: allowsSending(record.status),
  status: record.status,
  decidedBy: record,
  level,
}) as Precedence<R> & { decidedBy: R; level: L };

const forbids = (record: RecordedConsent | null) => record !== null && !allowsSending(record.status);

/**
 * THE precedence rule between a channel-wide record and an address-level record of the same
 * customer, channel, topic and account. It is applied here and nowhere else:
 *
 * 1. An address-level record that forbids sending decides: a channel-wide opt-in never lifts it.
 * 2. A channel-wide record that forbids sending decides, unless the address-level record allows
 *    sending AND its change happened after the channel-wide one (the more specific, more recent
 *    word wins). On equal times the forbidding record wins.
 * 3. Otherwise the most specific record decides (address, then channel).
 * 4. With no record, the implicit default (OPTIN, Capillary's rule for a registered customer).
 *
 * So an opt-out is never overridden by a less specific opt-in, nor by an older one.
 */
export function decideConsent<R extends RecordedConsent>(channelRecord: R | null, addressRecord: R | null): Precedence<R> {
  if (addressRecord && forbids(addressRecord)) return decidedBy(addressRecord, 'address');
  if (channelRecord && forbids(channelRecord)) {
    const laterOptIn = addressRecord && addressRecord.occurredAt.getTime() > channelRecord.occurredAt.getTime();
    return laterOptIn ? decidedBy(addressRecord, 'address') : decidedBy(channelRecord, 'channel');
  }
  if (addressRecord) return decidedBy(addressRecord, 'address');
  if (channelRecord) return decidedBy(channelRecord, 'channel');
  return IMPLICIT_DEFAULT;
}

/**
 * A question without an address sees every address-level record of that channel and topic: a
 * send "to this customer" may reach any of them, so one that forbids sending forbids the whole.
 * Each address keeps its own answer (decideConsent against the channel-wide record), so a caller
 * can still send to the addresses that remain allowed.
 *
 * The whole is decided by the channel-wide record if it forbids, else by the first address-level
 * record that forbids, else by the channel-wide record, else by the implicit default.
 */
export function decideWithoutAddress<R extends RecordedConsent>(channelRecord: R | null, addressRecords: R[]): ChannelPrecedence<R> {
  const byAddress = [...addressRecords].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  // With an address-level record present the default never decides: decidedBy is a record.
  const addresses = byAddress.map(
    (record): AddressPrecedence<R> => ({ address: record.address, ...(decideConsent(channelRecord, record) as Omit<AddressPrecedence<R>, 'address'>) }),
  );
  const forbiddingAddress = byAddress.find(forbids);
  if (channelRecord && forbids(channelRecord)) return { ...decidedBy(channelRecord, 'channel'), addresses };
  if (forbiddingAddress) return { ...decidedBy(forbiddingAddress, 'address'), addresses };
  if (channelRecord) return { ...decidedBy(channelRecord, 'channel'), addresses };
  return { ...IMPLICIT_DEFAULT, addresses };
}
