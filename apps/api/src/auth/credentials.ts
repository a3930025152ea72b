/** What the caller presented: a key, and with Basic auth the org slug it claims. */
export interface PresentedCredentials {
  key: string;
  orgSlug?: string;
}

/**
 * Reads `Authorization: Basic base64(org:key)` or `Authorization: Bearer key`.
 * Anything else is undefined, which the guard answers with a bare 401.
 */
export function parseAuthorization(header: string | undefined): PresentedCredentials | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return { key: value };
  if (scheme.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { orgSlug: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}
