import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { classifyFailure } from './failure';

/**
 * The default error body for optline's own endpoints: `{ "error": { code, message, details } }`.
 * Dialect controllers replace it with their vendor's body through their own filter.
 */
@Catch()
export class NativeExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
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
