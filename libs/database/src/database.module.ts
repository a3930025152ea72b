import { APP_CONFIG, AppConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source';

/** TypeORM on the configured Postgres, with every entity and no auto-sync. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database.url, config.database.poolSize), retryAttempts: 3 }),
    }),
  ],
})
export class DatabaseModule {}
