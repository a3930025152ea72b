/** Which dialect a change came through; recorded on every ledger row and event. */
export type Dialect = 'capillary-v2' | 'capillary-v1.1' | 'altcraft' | 'wm' | 'responsys' | 'native';

/** Who made a request and from where: the authenticated key plus the request's origin. */
export interface ActorContext {
  orgId: string;
  apiKeyId: string;
  dialect: Dialect;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  /** The org's phone region (ISO 3166 alpha-2), for numbers given in national format. */
  phoneRegion?: string;
}
