export { dataSourceOptions } from './data-source';
export { runMigrations, ensureDatabase } from './migrate';
export { DatabaseModule } from './database.module';
export { MIGRATIONS } from './migrations';
