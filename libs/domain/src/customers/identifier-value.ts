import { normalizeEmail, normalizePhoneNumber } from '../common/contact-spelling';

/**
 * One spelling per customer identifier, on every write and every lookup: a mobile in E.164 (read
 * in `region` when national), an email trimmed and lower-cased, any other identifier trimmed.
 */
export function normalizeIdentifierValue(type: string, value: string, region?: string): string {
  if (type === 'mobile') return normalizePhoneNumber(value, region);
  if (type === 'email') return normalizeEmail(value);
  return value.trim();
}
