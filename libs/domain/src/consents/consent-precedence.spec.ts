import { allowsSending, ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';
import { decidingRecord, decidingRecordWithoutAddress, inAddressOrder, levelOf, RecordedConsent } from './consent-precedence';

/** What a deciding record (null: the implicit default) answers, as the decision endpoints show it. */
const answered = <R extends RecordedConsent>(record: R | null) =>
  record === null
    ? { allowed: allowsSending(DEFAULT_CONSENT_STATUS), status: DEFAULT_CONSENT_STATUS, decidedBy: null, level: 'default' as const }
    : { allowed: allowsSending(record.status), status: record.status, decidedBy: record, level: levelOf(record) };
const decideConsent = <R extends RecordedConsent>(channel: R | null, address: R | null) => answered(decidingRecord(channel, address));
const decideWithoutAddress = <R extends RecordedConsent>(channel: R | null, addressRecords: R[]) => {
  const byAddress = inAddressOrder([...addressRecords]);
  const addresses = byAddress.map((record) => ({ address: record.address, ...answered(decidingRecord(channel, record)) }));
  return { ...answered(decidingRecordWithoutAddress(channel, byAddress)), addresses };
};

/** A record whose change happened at minute `at` (times, not ledger ids, order changes). */
const rec = (status: ConsentStatus, at: number, address = '') => ({ status, address, occurredMs: Date.UTC(2026, 0, 1, 10, at) });
const { OPTIN, OPTOUT, HARDBOUNCED } = ConsentStatus;

describe('decidingRecord (channel-wide vs address-level)', () => {
  it('falls back to the implicit opt-in when no record applies', () => {
    expect(decideConsent(null, null)).toEqual({ allowed: true, status: OPTIN, decidedBy: null, level: 'default' });
  });

  it('lets the most specific record decide when nothing forbids', () => {
    expect(decideConsent(rec(OPTIN, 1), rec(OPTIN, 2, 'a')).level).toBe('address');
    expect(decideConsent(rec(OPTIN, 1), null).level).toBe('channel');
  });

  it('never lets a channel opt-in lift an address opt-out, whatever the order', () => {
    for (const [c, a] of [[1, 2], [2, 1]]) {
      const d = decideConsent(rec(OPTIN, c), rec(HARDBOUNCED, a, 'a'));
      expect(d).toMatchObject({ allowed: false, status: HARDBOUNCED, level: 'address' });
    }
  });

  it('lets a channel opt-out win over an address opt-in that happened earlier', () => {
    expect(decideConsent(rec(OPTOUT, 5), rec(OPTIN, 3, 'a'))).toMatchObject({ allowed: false, level: 'channel' });
  });

  it('lets an address opt-in that happened later win over a channel opt-out', () => {
    expect(decideConsent(rec(OPTOUT, 3), rec(OPTIN, 5, 'a'))).toMatchObject({ allowed: true, level: 'address' });
  });

  it('lets the channel opt-out win when both changes happened at the same time', () => {
    expect(decideConsent(rec(OPTOUT, 4), rec(OPTIN, 4, 'a'))).toMatchObject({ allowed: false, level: 'channel' });
  });
});

describe('decidingRecordWithoutAddress (a question that sees every address)', () => {
  it('is the channel-wide answer, with no addresses, when there are no address-level records', () => {
    expect(decideWithoutAddress(rec(OPTOUT, 1), [])).toMatchObject({ allowed: false, level: 'channel', addresses: [] });
    expect(decideWithoutAddress(null, [])).toEqual({ allowed: true, status: OPTIN, decidedBy: null, level: 'default', addresses: [] });
  });

  it('forbids the whole when one address forbids, and answers each address on its own', () => {
    const blocked = rec(HARDBOUNCED, 2, 'b@x');
    const d = decideWithoutAddress(rec(OPTIN, 1), [blocked, rec(OPTIN, 3, 'a@x')]);
    expect(d).toMatchObject({ allowed: false, status: HARDBOUNCED, level: 'address', decidedBy: blocked });
    expect(d.addresses).toMatchObject([
      { address: 'a@x', allowed: true, status: OPTIN, level: 'address' },
      { address: 'b@x', allowed: false, status: HARDBOUNCED, level: 'address' },
    ]);
  });

  it('lets a forbidding channel-wide record decide the whole, though a later address opt-in is still allowed', () => {
    const channel = rec(OPTOUT, 5);
    const d = decideWithoutAddress(channel, [rec(OPTIN, 3, 'old@x'), rec(OPTIN, 7, 'new@x'), rec(OPTOUT, 1, 'out@x')]);
    expect(d).toMatchObject({ allowed: false, status: OPTOUT, level: 'channel', decidedBy: channel });
    expect(d.addresses.map((a) => [a.address, a.allowed, a.level])).toEqual([
      ['new@x', true, 'address'],
      ['old@x', false, 'channel'],
      ['out@x', false, 'address'],
    ]);
  });

  it('picks the first forbidding address, in address order, when several forbid', () => {
    const d = decideWithoutAddress(null, [rec(OPTOUT, 1, 'z@x'), rec(HARDBOUNCED, 2, 'm@x'), rec(OPTIN, 3, 'a@x')]);
    expect(d).toMatchObject({ allowed: false, status: HARDBOUNCED, decidedBy: { address: 'm@x' } });
  });

  it('lets the channel-wide opt-in decide the whole when every address allows; the default when there is none', () => {
    expect(decideWithoutAddress(rec(OPTIN, 1), [rec(OPTIN, 2, 'a@x')])).toMatchObject({ allowed: true, level: 'channel' });
    expect(decideWithoutAddress(null, [rec(OPTIN, 2, 'a@x')])).toMatchObject({ allowed: true, level: 'default', decidedBy: null });
  });
});
