import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  // Validate the environment before anything connects, so a bad value is the first thing said.
  const config = loadConfig();
  const app = await createApiApp();
  await app.listen(config.apiPort, '0.0.0.0');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
