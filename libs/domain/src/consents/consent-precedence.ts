import { allowsSending, ConsentStatus } from '../common/consent-status';

/** The parts of a consent record the precedence rule reads. */
export interface RecordedConsent {
  status: ConsentStatus;
  address: string;
  /**
   * When the change that set the status happened. Not the ledger id: a change can arrive after
   * one that happened later (a dialect's own time), so the order of recording proves nothing.
   * Epoch milliseconds: the rule only compares them, and a bulk answer reads thousands.
   */
  occurredMs: number;
}

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
 * 4. With no record, the implicit default (OPTIN, Capillary's rule for a registered customer): null.
 *
 * So an opt-out is never overridden by a less specific opt-in, nor by an older one. The answer is
 * the record itself (its status and level follow from it), so a bulk request that asks a thousand
 * questions allocates nothing here.
 */
export function decidingRecord<R extends RecordedConsent>(channelRecord: R | null, addressRecord: R | null): R | null {
  if (addressRecord && forbids(addressRecord)) return addressRecord;
  if (channelRecord && forbids(channelRecord)) {
    const laterOptIn = addressRecord !== null && addressRecord.occurredMs > channelRecord.occurredMs;
    return laterOptIn ? addressRecord : channelRecord;
  }
  return addressRecord ?? channelRecord;
}

/**
 * A question without an address sees every address-level record of that channel and topic: a
 * send "to this customer" may reach any of them, so one that forbids sending forbids the whole.
 * The whole is decided by the channel-wide record if it forbids, else by the first address-level
 * record that forbids (in address order: `byAddress`, see inAddressOrder), else by the channel-wide
 * record, else by the implicit default (null). Each address keeps its own answer, decidingRecord
 * against the channel-wide record, so a caller can still send to the addresses that remain allowed.
 */
export function decidingRecordWithoutAddress<R extends RecordedConsent>(channelRecord: R | null, byAddress: readonly R[]): R | null {
  if (channelRecord && forbids(channelRecord)) return channelRecord;
  for (const record of byAddress) if (forbids(record)) return record;
  return channelRecord;
}

/** Address-level records in the order their answers are listed (and the first forbidding one decides). */
export const inAddressOrder = <R extends RecordedConsent>(records: R[]): R[] =>
  records.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

/** The level a deciding record answers at: its address says it. */
export const levelOf = (record: RecordedConsent): 'address' | 'channel' => (record.address === '' ? 'channel' : 'address');
