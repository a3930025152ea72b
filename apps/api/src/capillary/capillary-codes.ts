/**
 * Capillary's error codes as its pages give them. Where the pages are silent optline picks a code
 * in the same family and says so in the README.
 */
export const CapillaryCode = {
  INVALID_REQUEST: 1100, // optline's: any malformed field without a documented code
  INVALID_CHANNEL: 1101,
  INVALID_PRIORITY: 1102,
  INVALID_SCOPE: 1103,
  INVALID_STATUS: 1106,
  INVALID_CAMPAIGN_ID: 1107,
  UNCHANGED: 1108, // optline's warning: the item asked for the state already held
  SUPERSEDED: 1109, // optline's warning: the item happened before the change that set the state
  IDENTIFIER_IN_SAME_SOURCE: 8007,
  PROFILE_IN_SAME_SOURCE: 8008,
  CUSTOMER_ID_INVALID: 8009, // changeIdentifier's "Unable to identify the customer", update's "No customer found"
  COMM_CHANNEL_INVALID: 8010,
  INVALID_IDENTIFIER: 8013,
  CUSTOMER_NOT_FOUND: 8015,
  SOURCE_INVALID_LOOKUP: 8011,
  SOURCE_INVALID_FETCH: 8012,
  LOYALTY_DOWNGRADE: 8018,
  ACCOUNT_ID_MISSING: 8045,
  MERGED_INTO_EXISTING: 8051, // a warning: the customer was merged into the one holding the identifier
  IDENTIFIERS_SPAN_CUSTOMERS: 8053, // also: the customer is already merged into another
  INVALID_EMAIL: 8055,
  INVALID_MOBILE: 8056,
  COMM_CHANNEL_EMAIL_INVALID: 8057,
  COMM_CHANNEL_MOBILE_INVALID: 8058,
  NOT_IN_SOURCE: 8065,
  CUSTOMER_MERGED: 8069,
  NOT_CHANGED_BY_UPDATE: 8100, // optline's warning: identifiers or a source an update cannot change
  SEARCH_TRUNCATED: 8101, // optline's warning: more matches than one search reads
  UNAUTHORIZED: 401,
  INTERNAL: 500,
} as const;

/** Attach a Capillary code to a class-validator constraint. */
export const code = (value: number) => ({ context: { code: value } });
