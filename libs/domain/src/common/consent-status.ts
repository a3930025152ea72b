/**
 * A consent record's status. OPTIN and OPTOUT are what every dialect can say; the others are the
 * finer states Altcraft reports (complained, hard bounce ...), all of which forbid sending.
 */
export enum ConsentStatus {
  OPTIN = 'OPTIN',
  OPTOUT = 'OPTOUT',
  COMPLAINED = 'COMPLAINED',
  HARDBOUNCED = 'HARDBOUNCED',
  UNCONFIRMED = 'UNCONFIRMED',
  SUSPENDED = 'SUSPENDED',
  INVALID = 'INVALID',
}

/** Only an explicit or implicit opt-in allows a send. */
export function allowsSending(status: ConsentStatus): boolean {
  return status === ConsentStatus.OPTIN;
}

/** Capillary's rule: a registered customer is opted in until a change is recorded. */
export const DEFAULT_CONSENT_STATUS = ConsentStatus.OPTIN;
