import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random key: `ol_` and 32 random bytes, base64url. */
export function generateApiKey(): string {
  return `ol_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function keyPrefix(key: string): string {
  return key.slice(0, 10);
}
