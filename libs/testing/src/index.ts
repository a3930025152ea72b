export * from './test-env';
export * from './test-app';
export * from './fixtures';
export * from './redis';
export * from './webhook-receiver';
export * from './worker-process';
export * from './delivery-fixtures';
export * from './test-worker';
