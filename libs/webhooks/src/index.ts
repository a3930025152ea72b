export * from './signing';
export * from './url-guard';
export * from './webhook-sender';
export * from './retry-policy';
export * from './webhook-payload';
export * from './version';
