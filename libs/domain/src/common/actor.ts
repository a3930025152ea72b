/** Which dialect a change came through; recorded on every ledger row and event. */
export type Dialect =
  | 'capillary-v2'
  | 'capillary-v1.1'
  | 'altcraft'
  | 'wm'
  | 'responsys'
  | 'native'
  | 'system'
  // The person themselves: a mail provider's RFC 8058 one-click POST, the preference page, or the
  // page that confirms a double opt-in.
  | 'one-click'
  | 'preference-page'
  | 'confirm-page';

/** Who made a request and from where: the authenticated key plus the request's origin. */
export interface ActorContext {
  orgId: string;
  /** null for optline's own changes (dialect `system`: a migration, an operator's command). */
  apiKeyId: string | null;
  dialect: Dialect;
  /** Where national phone numbers are read (the org's setting, else DEFAULT_PHONE_REGION). */
  phoneRegion?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/** optline acting on its own (respelling stored addresses, merging what they reveal as one person). */
export const systemActor = (orgId: string, phoneRegion?: string): ActorContext => ({
  orgId,
  apiKeyId: null,
  dialect: 'system',
  phoneRegion,
});
