/**
 * Errors the domain raises. `kind` decides the HTTP family; `code` is stable and vendor-neutral,
 * and each dialect's exception filter turns it into that vendor's error body.
 */
export type DomainErrorKind = 'not_found' | 'invalid' | 'conflict' | 'unauthenticated';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('not_found', code, message, details);
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, message, details);
export const unauthenticated = () => new DomainError('unauthenticated', 'UNAUTHENTICATED', 'Unauthorized');

/** Stable domain error codes, so filters can switch on them without string matching. */
export const ErrorCodes = {
  CUSTOMER_NOT_FOUND: 'CUSTOMER_NOT_FOUND',
  CUSTOMER_NOT_IN_SOURCE: 'CUSTOMER_NOT_IN_SOURCE',
  IDENTIFIER_TAKEN: 'IDENTIFIER_TAKEN',
  IDENTIFIERS_SPAN_CUSTOMERS: 'IDENTIFIERS_SPAN_CUSTOMERS',
  PROFILE_EXISTS: 'PROFILE_EXISTS',
  ORG_NOT_FOUND: 'ORG_NOT_FOUND',
  ORG_EXISTS: 'ORG_EXISTS',
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  SUBSCRIPTION_NOT_FOUND: 'SUBSCRIPTION_NOT_FOUND',
  BATCH_NOT_FOUND: 'BATCH_NOT_FOUND',
  BATCH_NOT_FAILED: 'BATCH_NOT_FAILED',
  BATCH_IN_FLIGHT: 'BATCH_IN_FLIGHT',
} as const;
