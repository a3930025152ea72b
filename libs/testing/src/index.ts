export * from './test-env';
export * from './test-app';
export * from './fixtures';
export * from './redis';
export * from './queries';
