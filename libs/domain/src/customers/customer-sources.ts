/** Sources a customer can be registered in. WECHAT and FACEBOOK hold several accounts each. */
export const CUSTOMER_SOURCES = ['INSTORE', 'MARTJACK', 'WECHAT', 'FACEBOOK'] as const;
export type CustomerSource = (typeof CUSTOMER_SOURCES)[number];
export const MULTI_ACCOUNT_SOURCES: readonly string[] = ['WECHAT', 'FACEBOOK'];

export const IDENTIFIER_TYPES = ['mobile', 'email', 'externalId', 'wechat', 'martjackId', 'fbId'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export function isMultiAccountSource(source: string): boolean {
  return MULTI_ACCOUNT_SOURCES.includes(source);
}
