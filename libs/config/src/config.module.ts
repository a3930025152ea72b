import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, loadConfig } from './config';

/** Validates the environment once, at module creation, and shares the typed result. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: () => loadConfig() }],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
