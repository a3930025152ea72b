import { LookupAddress, promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a callback must never reach unless ALLOW_PRIVATE_CALLBACK_URLS is set: loopback,
 * private, CGNAT, link-local (which includes the cloud metadata address 169.254.169.254),
 * multicast, reserved, and their IPv6 counterparts.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96], // NAT64: wraps any IPv4 address
  ['64:ff9b:1::', 48], // local-use NAT64
  ['::', 96], // IPv4-compatible (deprecated) addresses
  ['2001::', 32], // Teredo
  ['2002::', 16], // 6to4: can wrap a private IPv4 address
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

/**
 * IPv4 addresses in IPv6 spelling: mapped (::ffff:7f00:1 is 127.0.0.1) and translated. Kept apart
 * from FORBIDDEN because a BlockList matches every plain IPv4 address against a mapped rule.
 */
const IPV4_IN_IPV6 = new BlockList();
IPV4_IN_IPV6.addSubnet('::ffff:0:0', 96, 'ipv6');
IPV4_IN_IPV6.addSubnet('::ffff:0:0:0', 96, 'ipv6');

export class CallbackUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackUrlError';
  }
}

/** True when the address is loopback, private, link-local, metadata or otherwise internal. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family === 6) {
    const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
    // Any other spelling of a wrapped IPv4 address is refused whole: no public host needs it.
    return IPV4_IN_IPV6.check(address, 'ipv6') || FORBIDDEN.check(address, 'ipv6');
  }
  return true;
}

/** Checks the shape of a callback URL: http(s), a host, no credentials. Returns the parsed URL. */
export function parseCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallbackUrlError(`Invalid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CallbackUrlError(`Only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new CallbackUrlError('Credentials in the URL are not allowed; use Basic authentication instead');
  }
  if (!url.hostname) throw new CallbackUrlError('The URL has no host');
  return url;
}

/**
 * The one refusal, for every internal address: it never names the address, which would let a
 * tenant resolve internal host names through optline.
 */
export const ADDRESS_NOT_ALLOWED = 'The address is not allowed';

/**
 * Resolves the URL's host and refuses it when any address it resolves to is internal. Run at
 * creation; the sender repeats the check at connect time (see guardedLookup), so a later DNS
 * change cannot point a callback inside the network.
 */
export async function assertCallbackUrlAllowed(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = parseCallbackUrl(raw);
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  const bad = addresses.find(isForbiddenAddress);
  if (bad) throw new CallbackUrlError(ADDRESS_NOT_ALLOWED);
  return url;
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    const found = await dns.lookup(host, { all: true, verbatim: true });
    if (found.length === 0) throw new Error('no address');
    return found.map((a) => a.address);
  } catch {
    throw new CallbackUrlError(`The host ${host} does not resolve`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for outbound sockets that refuses internal addresses at connect time, closing the
 * gap between the creation-time check and the request (DNS rebinding).
 */
export function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }).then(
    (addresses) => {
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) {
        callback(Object.assign(new Error(ADDRESS_NOT_ALLOWED), { code: 'EFORBIDDENADDR' }), []);
        return;
      }
      if ((options as { all?: boolean }).all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    },
    (error: NodeJS.ErrnoException) => callback(error, []),
  );
}
