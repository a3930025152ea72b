export * from './signing';
export * from './url-guard';
export * from './webhook-sender';
