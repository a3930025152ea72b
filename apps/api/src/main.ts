import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  // Validate the environment before anything connects, so a bad value is the first thing said.
  const config = loadConfig();
  const app = await createApiApp();
  await app.listen(config.apiPort, '0.0.0.0');
  // Said once, so whoever started it knows where to send the first request.
  new Logger('Api').log(`API listening on http://localhost:${config.apiPort} (OpenAPI at /docs)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
