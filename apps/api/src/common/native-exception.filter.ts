import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { classifyFailure } from './failure';
import { DIALECT_FILTER_BY_PREFIX } from './route-error-bodies';

/**
 * The default error body for optline's own endpoints: `{ "error": { code, message, details } }`.
 * Dialect controllers replace it with their vendor's body through their own filter.
 */
@Catch()
export class NativeExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const url = host.switchToHttp().getRequest<FastifyRequest>()?.url ?? '';
    const dialect = DIALECT_FILTER_BY_PREFIX.find(([prefix]) => url.startsWith(prefix));
    if (dialect) return dialect[1].catch(exception, host);
    const failure = classifyFailure(exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const details = failure.issues.map((i) => ({ field: i.path, message: i.message }));
    reply.status(failure.status).send({
      error: {
        code: failure.status === 401 ? 'UNAUTHORIZED' : failure.code,
        message: failure.status === 401 ? 'Unauthorized' : failure.message,
        ...(details.length ? { details } : {}),
      },
    });
  }
}
