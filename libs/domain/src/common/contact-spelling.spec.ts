import { getCountries } from 'libphonenumber-js';
import { Channel } from './channel';
import { isPhoneNumberLike, normalizeEmail, normalizePhoneNumber, toPhoneRegion } from './contact-spelling';
import { normalizeAddress } from '../consents/contact-address';
import { normalizeIdentifierValue } from '../customers/identifier-value';

const RU_SPELLINGS = ['+7 900 000-00-00', '79000000000', '+79000000000', '8 (900) 000-00-00'];

describe('normalizePhoneNumber', () => {
  it('reads the four spellings of one Russian number as one with region RU', () => {
    expect(new Set(RU_SPELLINGS.map((s) => normalizePhoneNumber(s, 'RU')))).toEqual(new Set(['+79000000000']));
  });

  it('reads the three spellings with a country code as one without a region', () => {
    expect(RU_SPELLINGS.slice(0, 3).map((s) => normalizePhoneNumber(s))).toEqual(Array(3).fill('+79000000000'));
    // A national number means nothing without a region: it keeps its digits.
    expect(normalizePhoneNumber('8 (900) 000-00-00')).toBe('89000000000');
  });

  it('reads 00 as the international prefix', () => {
    expect(normalizePhoneNumber('00 7 900 000 00 00')).toBe('+79000000000');
    expect(normalizePhoneNumber('0079000000000', 'RU')).toBe('+79000000000');
  });

  it("keeps seed 004's sample, a possible number no plan knows, as its digits when no region applies", () => {
    expect(normalizePhoneNumber('1233454567')).toBe('1233454567');
    expect(normalizePhoneNumber('123-345-4567')).toBe('1233454567');
  });

  it('gives a digit-only Indian mobile with its country code the +', () => {
    expect(normalizePhoneNumber('919876543210')).toBe('+919876543210');
  });

  it('keeps a number with a country code no plan makes possible as +digits', () => {
    expect(normalizePhoneNumber('+999 1234567')).toBe('+9991234567');
  });

  it('ignores an unknown region', () => {
    expect(normalizePhoneNumber('79000000000', 'XX')).toBe('+79000000000');
  });

  it('only strips separators from what cannot be a phone number', () => {
    expect(normalizePhoneNumber(' abc-def ')).toBe('abcdef');
    expect(normalizePhoneNumber('12-34')).toBe('1234');
  });
});

describe('isPhoneNumberLike', () => {
  it.each(['+7 900 000-00-00', '8 (900) 000-00-00', '1233454567', '00 44 20 7946 0018', '12345', '+123456789012345'])(
    'accepts %s',
    (value) => expect(isPhoneNumberLike(value)).toBe(true),
  );

  it.each(['tom@example.com', '+7 900 CALL-ME', '1234', '+1234', '1234567890123456', '00 1234567890123456', '', '+', '7+9000000000'])(
    'refuses %s',
    (value) => expect(isPhoneNumberLike(value)).toBe(false),
  );
});

describe('idempotence: normalizing twice is normalizing once', () => {
  const regions: Array<string | undefined> = [undefined, ...getCountries()];
  // Deterministic pseudo-random digits, so a failure reproduces.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const digits = (n: number) => Array.from({ length: n }, () => String(next() % 10)).join('');
  const samples = [
    ...RU_SPELLINGS,
    '1233454567',
    '919876543210',
    '+999 1234567',
    '00 0 123 4567',
    '0 800 555 35 35',
    '8 800 555-35-35',
    '+7 8 800 555 35 35',
    '+44 (0) 20 7946 0018',
    'abc',
    ...Array.from({ length: 100 }, (_, i) => ['', '+', '00', '0', '8', '1'][i % 6] + digits(5 + (next() % 11))),
  ];

  it.each(regions.map((r) => [r ?? 'no region', r]))('holds in %s', (_name, region) => {
    for (const sample of samples) {
      const once = normalizePhoneNumber(sample, region);
      expect([sample, normalizePhoneNumber(once, region)]).toEqual([sample, once]);
    }
  });
});

describe('normalizeEmail, normalizeAddress, normalizeIdentifierValue', () => {
  it('trims and lower-cases emails', () => {
    expect(normalizeEmail('  Tom@Example.COM ')).toBe('tom@example.com');
    expect(normalizeAddress(Channel.EMAIL, 'Tom@Example.com')).toBe('tom@example.com');
    expect(normalizeIdentifierValue('email', ' Tom@Example.com')).toBe('tom@example.com');
  });

  it('reads phone channels and mobile identifiers in the region', () => {
    for (const channel of [Channel.SMS, Channel.WHATSAPP, Channel.VOICE]) {
      expect(normalizeAddress(channel, '8 (900) 000-00-00', 'RU')).toBe('+79000000000');
    }
    expect(normalizeIdentifierValue('mobile', '8 (900) 000-00-00', 'RU')).toBe('+79000000000');
  });

  it('only trims other channels and identifiers, and keeps the channel-wide address empty', () => {
    expect(normalizeAddress(Channel.TELEGRAM, ' Chat-42 ')).toBe('Chat-42');
    expect(normalizeIdentifierValue('externalId', ' Ext-1 ')).toBe('Ext-1');
    expect(normalizeAddress(Channel.SMS, '')).toBe('');
  });
});

describe('toPhoneRegion', () => {
  it('upper-cases a known region and refuses anything else', () => {
    expect(toPhoneRegion('ru')).toBe('RU');
    expect(toPhoneRegion('XX')).toBeUndefined();
    expect(toPhoneRegion('none')).toBeUndefined();
    expect(toPhoneRegion(undefined)).toBeUndefined();
  });
});
