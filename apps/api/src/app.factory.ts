import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig, loadConfig } from '@app/config';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { ApiModule } from './api.module';
import { completeOpenApiDocument } from './openapi';
import { useJsonBodyParser } from './common/json-body.parser';
import { useBodyBudget } from './common/body-budget';
import { closeConnectionsAfterDrain } from './common/close-after-drain';
import { NativeExceptionFilter } from './common/native-exception.filter';
import { registerFormParsers } from './person/form-body';
import { OPTLINE_VERSION } from '@app/webhooks';

/** Bodies above this are refused with 413 before any parsing work (v1.1 and ingest batches fit). */
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** A path parameter's longest: a signed link token (about 200 characters) must fit; Fastify's default is 100. */
const MAX_PARAM_LENGTH = 600;

/** Builds the API exactly as production runs it; main.ts and the e2e tests both call this. */
export async function createApiApp(options: { logs?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: loadConfig().trustProxyHops || false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // A URL Fastify cannot decode, or a path parameter over MAX_PARAM_LENGTH, is answered before
    // any route runs: through the same filter as every other failure, in the dialect's body.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => new NativeExceptionFilter().catch(error, new ExecutionContextHost([request, reply])),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bufferLogs: true,
    bodyParser: false,
    logger: options.logs === false ? false : undefined,
  });
  useJsonBodyParser(app, BODY_LIMIT_BYTES);
  useBodyBudget(app, loadConfig().maxBodyBytesInFlight, BODY_LIMIT_BYTES);
  if (options.logs !== false) app.useLogger(app.get(Logger));
  // On SIGTERM/SIGINT: close everything, then exit with 0 (a clean stop, like the worker's) once
  // the logs are flushed, rather than re-raise the signal.
  app.enableShutdownHooks([], { useProcessExit: true });
  closeConnectionsAfterDrain(app);
  registerFormParsers(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('optline')
      .setDescription('Subscriptions and consent in the Capillary, Altcraft, WM and Responsys dialects, with signed webhooks.')
      .setVersion(OPTLINE_VERSION)
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'org slug as the user name, API key as the password' })
      // An optline key is opaque (ol_…), not a JWT: nothing in it can be decoded or checked offline.
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque API key', description: 'the API key itself' })
      .build(),
  );
  SwaggerModule.setup('docs', app, completeOpenApiDocument(document), { jsonDocumentUrl: 'docs/json' });
  await mountQueueDashboard(app, app.get<AppConfig>(APP_CONFIG));
  return app;
}
