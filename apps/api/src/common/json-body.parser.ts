import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestValidationError } from './request-validation.error';
import { findTextDefect } from './request-text';

/**
 * The one JSON body parser: Fastify's own (prototype poisoning refused), then the parsed value is
 * checked for depth and for text Postgres cannot store before any pipe walks it recursively. A
 * defect is a RequestValidationError, so each dialect answers it with its own 400.
 *
 * Registering it replaces Nest's parsers, the form-urlencoded one too: only the pages a person
 * opens take forms (person/form-body.ts); any other content type is a 415 in the dialect's body.
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    parseJson(request as FastifyRequest, (body as Buffer).toString('utf8'), (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const defect = findTextDefect(value);
      if (!defect) return done(null, value);
      const path = defect.path || 'body';
      done(new RequestValidationError([{ path, property: path, value: undefined, message: `${path} ${defect.message}` }]), undefined);
    });
  });
}
