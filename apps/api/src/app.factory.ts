import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig, loadConfig } from '@app/config';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { ApiModule } from './api.module';
import { registerMultipartParser } from './person/form-body';
import { OPTLINE_VERSION } from '@app/webhooks';

/** Bodies above this are refused with 413 before any parsing work (v1.1 and ingest batches fit). */
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** A path parameter's longest: a signed link token (about 200 characters) must fit; Fastify's default is 100. */
const MAX_PARAM_LENGTH = 600;

/** Builds the API exactly as production runs it; main.ts and the e2e tests both call this. */
export async function createApiApp(options: { logs?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    maxParamLength: MAX_PARAM_LENGTH,
    trustProxy: loadConfig().trustProxyHops || false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bufferLogs: true,
    logger: options.logs === false ? false : undefined,
  });
  if (options.logs !== false) app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  registerMultipartParser(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('optline')
      .setDescription('Subscriptions and consent in the Capillary, Altcraft, WM and Responsys dialects, with signed webhooks.')
      .setVersion(OPTLINE_VERSION)
      .addBasicAuth()
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  await mountQueueDashboard(app, app.get<AppConfig>(APP_CONFIG));
  return app;
}
