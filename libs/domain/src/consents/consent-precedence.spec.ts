import { ConsentStatus } from '../common/consent-status';
import { decideConsent } from './consent-precedence';

const rec = (status: ConsentStatus, lastLedgerId: number) => ({ status, lastLedgerId });
const { OPTIN, OPTOUT, HARDBOUNCED } = ConsentStatus;

describe('decideConsent (channel-wide vs address-level)', () => {
  it('falls back to the implicit opt-in when no record applies', () => {
    expect(decideConsent(null, null)).toEqual({ allowed: true, status: OPTIN, decidedBy: null, level: 'default' });
  });

  it('lets the most specific record decide when nothing forbids', () => {
    expect(decideConsent(rec(OPTIN, 1), rec(OPTIN, 2)).level).toBe('address');
    expect(decideConsent(rec(OPTIN, 1), null).level).toBe('channel');
  });

  it('never lets a channel opt-in lift an address opt-out, whatever the order', () => {
    for (const [c, a] of [[1, 2], [2, 1]]) {
      const d = decideConsent(rec(OPTIN, c), rec(HARDBOUNCED, a));
      expect(d).toMatchObject({ allowed: false, status: HARDBOUNCED, level: 'address' });
    }
  });

  it('lets a channel opt-out win over an older address opt-in', () => {
    expect(decideConsent(rec(OPTOUT, 5), rec(OPTIN, 3))).toMatchObject({ allowed: false, level: 'channel' });
  });

  it('lets a later address opt-in win over a channel opt-out', () => {
    expect(decideConsent(rec(OPTOUT, 3), rec(OPTIN, 5))).toMatchObject({ allowed: true, level: 'address' });
  });
});
