import { Channel } from '../common/channel';
import { kidOf, LinkSubject, openLinkToken, signLinkToken } from './link-token';

describe('link tokens', () => {
  const key = { kid: 'k1', secret: 'a'.repeat(40) };
  const subject: LinkSubject = {
    purpose: 'unsubscribe',
    orgId: '6f1c2f9e-1111-4222-8333-944455556666',
    customerId: 42,
    channel: Channel.EMAIL,
    topic: 'BULK',
    accountId: '',
    address: 'tom@example.com',
    issuedAt: 1_760_000_000,
  };

  it('opens what it signed, and shows neither the address nor the customer', () => {
    const token = signLinkToken(subject, key);
    expect(openLinkToken(token, key)).toEqual(subject);
    expect(kidOf(token)).toBe('k1');
    expect(token).not.toContain('tom');
    expect(Buffer.from(token.split('.')[1], 'base64url').toString('latin1')).not.toContain('example.com');
  });

  it('refuses a token with any character changed, or opened with another key', () => {
    const token = signLinkToken(subject, key);
    const [kid, body, mac] = token.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(openLinkToken(`${kid}.${flip(body, 20)}.${mac}`, key)).toBeNull();
    expect(openLinkToken(`${kid}.${body}.${flip(mac, 3)}`, key)).toBeNull();
    expect(openLinkToken(token, { kid: 'k1', secret: 'b'.repeat(40) })).toBeNull();
    expect(openLinkToken(token, { kid: 'k2', secret: key.secret })).toBeNull();
    expect(openLinkToken('garbage', key)).toBeNull();
  });
});
