import { parseAuthorization } from './credentials';

describe('parseAuthorization', () => {
  it('reads Basic org:key, keeping colons inside the key', () => {
    const header = `Basic ${Buffer.from('acme:ol_a:b').toString('base64')}`;
    expect(parseAuthorization(header)).toEqual({ orgSlug: 'acme', key: 'ol_a:b' });
  });

  it('reads Bearer key in any case', () => {
    expect(parseAuthorization('bearer ol_xyz')).toEqual({ key: 'ol_xyz' });
  });

  it('refuses other schemes and malformed values', () => {
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization('Digest abc')).toBeUndefined();
    expect(parseAuthorization('Basic')).toBeUndefined();
    expect(parseAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
  });
});
