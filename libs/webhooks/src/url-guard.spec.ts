import { assertCallbackUrlAllowed, isForbiddenAddress, parseCallbackUrl } from './url-guard';

describe('callback URL guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:0:a00:1', '64:ff9b::a00:1', '64:ff9b:1::a00:1'])(
    'refuses %s',
    (address) => expect(isForbiddenAddress(address)).toBe(true),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('allows public %s', (address) =>
    expect(isForbiddenAddress(address)).toBe(false),
  );

  it('refuses non-http schemes and credentials in the URL', () => {
    expect(() => parseCallbackUrl('ftp://example.com/x')).toThrow(/http and https/);
    expect(() => parseCallbackUrl('https://user:pw@example.com/x')).toThrow(/Credentials/);
    expect(() => parseCallbackUrl('not a url')).toThrow(/Invalid URL/);
  });

  it('resolves names and refuses one that points at loopback', async () => {
    await expect(assertCallbackUrlAllowed('http://localhost:8080/hook', false)).rejects.toThrow(/^The address is not allowed$/);
    await expect(assertCallbackUrlAllowed('http://[::1]/hook', false)).rejects.toThrow(/^The address is not allowed$/);
    await expect(assertCallbackUrlAllowed('http://localhost:8080/hook', true)).resolves.toBeInstanceOf(URL);
  });
});
