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
  /** An update's identifiers name another customer's profile in the same source. */
  PROFILE_CONFLICT: 'PROFILE_CONFLICT',
  /** A loyalty customer asked to become a non-loyalty one. */
  LOYALTY_DOWNGRADE: 'LOYALTY_DOWNGRADE',
  // Identities and merges.
  /** The customer was merged into another (details.survivorId): it is read-only history now. */
  CUSTOMER_MERGED: 'CUSTOMER_MERGED',
  /** A change asked of a customer that is already merged into another (details.survivorId). */
  CUSTOMER_ALREADY_MERGED: 'CUSTOMER_ALREADY_MERGED',
  /** The customer already holds the identifier it asked to add, in the same source and account. */
  IDENTIFIER_ALREADY_HELD: 'IDENTIFIER_ALREADY_HELD',
  /** An identifier to remove or detach is not the customer's. */
  IDENTIFIER_NOT_HELD: 'IDENTIFIER_NOT_HELD',
  ORG_NOT_FOUND: 'ORG_NOT_FOUND',
  ORG_EXISTS: 'ORG_EXISTS',
  INVALID_PHONE_REGION: 'INVALID_PHONE_REGION',
  INVALID_RATE_LIMIT: 'INVALID_RATE_LIMIT',
  /** A display name, logo URL or accent colour the person's pages cannot use (see org-branding). */
  INVALID_BRANDING: 'INVALID_BRANDING',
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  BATCH_NOT_FOUND: 'BATCH_NOT_FOUND',
  BATCH_NOT_FAILED: 'BATCH_NOT_FAILED',
  BATCH_IN_FLIGHT: 'BATCH_IN_FLIGHT',
  /** A redelivery that would send older events after newer ones, not asked for explicitly. */
  BATCH_OUT_OF_ORDER: 'BATCH_OUT_OF_ORDER',
  /** A replay asked for events older than retention keeps. */
  REPLAY_BEYOND_RETENTION: 'REPLAY_BEYOND_RETENTION',
  // Callbacks and event subscriptions.
  CALLBACK_NOT_FOUND: 'CALLBACK_NOT_FOUND',
  CALLBACK_EXISTS: 'CALLBACK_EXISTS',
  CALLBACK_IN_USE: 'CALLBACK_IN_USE',
  CALLBACK_NAME_MISSING: 'CALLBACK_NAME_MISSING',
  INVALID_CALLBACK_AUTH: 'INVALID_CALLBACK_AUTH',
  INVALID_CALLBACK_URL: 'INVALID_CALLBACK_URL',
  SUBSCRIPTION_NOT_FOUND: 'SUBSCRIPTION_NOT_FOUND',
  SUBSCRIPTION_EXISTS: 'SUBSCRIPTION_EXISTS',
  SUBSCRIPTION_NAME_MISSING: 'SUBSCRIPTION_NAME_MISSING',
  SUBSCRIPTION_STATUS_MISSING: 'SUBSCRIPTION_STATUS_MISSING',
  SUBSCRIPTION_STATUS_INVALID: 'SUBSCRIPTION_STATUS_INVALID',
  EVENT_TYPES_EMPTY: 'EVENT_TYPES_EMPTY',
  EVENT_TYPES_DUPLICATE: 'EVENT_TYPES_DUPLICATE',
  EVENT_TYPE_UNKNOWN: 'EVENT_TYPE_UNKNOWN',
  EVENT_TYPE_ALREADY_SUBSCRIBED: 'EVENT_TYPE_ALREADY_SUBSCRIBED',
  INVALID_FILTERS: 'INVALID_FILTERS',
  INVALID_BATCH_SIZE: 'INVALID_BATCH_SIZE',
  NAME_MISMATCH: 'NAME_MISMATCH',
  UNSUPPORTED_ACTION: 'UNSUPPORTED_ACTION',
  // Event ingest.
  INVALID_EVENT: 'INVALID_EVENT',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
} as const;
