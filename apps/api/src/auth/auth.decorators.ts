import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'optline:public';
export const BODY_TOKEN = 'optline:body-token';
export const REQUIRED_HEADERS = 'optline:required-headers';

/** No API key needed (health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The key may also come as this body field (Altcraft's `token`). */
export const AcceptsBodyToken = (field = 'token') => SetMetadata(BODY_TOKEN, field);

export const OUTBOUND_REQUEST = 'optline:outbound-request';
/** Which requests of a route send a request out (all of them unless told); see RateLimiter.spendVerify. */
export type OutboundWhen = (request: { query?: unknown }) => boolean;

/** The route sends a request to a tenant's URL, so it spends the org's small verify budget too. */
export const SendsOutboundRequest = (when: OutboundWhen = () => true) => SetMetadata(OUTBOUND_REQUEST, when);
