import { ENTITIES } from '@app/domain';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** The one set of options the apps, the CLI and the tests share. Never `synchronize`. */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Pool sized for a 2-core host: enough to overlap I/O, few enough to keep Postgres fast.
    extra: { max: poolSize },
  };
}

/** For the TypeORM CLI: `typeorm -d dist/.../data-source.js`. */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/optline'),
);
