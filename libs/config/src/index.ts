export * from './config';
export * from './config.module';
export { validateEnvironment, InvalidEnvironmentError, EnvironmentVariables } from './env.schema';
