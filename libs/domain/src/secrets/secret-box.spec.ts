import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const k1 = { kid: 'k1', key: randomBytes(32) };
const k2 = { kid: 'k2', key: randomBytes(32) };

describe('SecretBox', () => {
  it('seals with the first key, under a fresh IV each time, and opens with any listed key', () => {
    const sealed = new SecretBox([k1]).seal('Oracle1234', 'auth_password');
    expect(sealed).toMatch(/^enc:v1:k1:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('Oracle1234');
    expect(new SecretBox([k1]).seal('Oracle1234', 'auth_password')).not.toBe(sealed);
    expect(new SecretBox([k2, k1]).open(sealed, 'auth_password')).toBe('Oracle1234');
  });

  it('refuses a value moved to another column, tampered with, or sealed with a key no longer listed', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('whsec_abc', 'signing_secret');
    expect(() => box.open(sealed, 'auth_password')).toThrow();
    const data = Buffer.from(sealed.slice('enc:v1:k1:'.length), 'base64');
    data[data.length - 1] ^= 1;
    expect(() => box.open(`enc:v1:k1:${data.toString('base64')}`, 'signing_secret')).toThrow();
    expect(() => new SecretBox([k2]).open(sealed, 'signing_secret')).toThrow('sealed with key k1, which SECRETS_KEYS no longer lists');
  });

  it('reads a value stored in clear, and says what is current for re-encryption', () => {
    const box = new SecretBox([k2, k1]);
    expect(box.open('whsec_clear', 'signing_secret')).toBe('whsec_clear');
    expect(box.isCurrent('whsec_clear')).toBe(false);
    expect(box.isCurrent(new SecretBox([k1]).seal('x', 'c'))).toBe(false);
    expect(box.isCurrent(box.seal('x', 'c'))).toBe(true);
    expect(new SecretBox([]).seal('x', 'c')).toBe('x');
  });
});
