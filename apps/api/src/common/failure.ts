import { DomainError } from '@app/domain';
import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RequestValidationError, ValidationIssue } from './request-validation.error';

/** Any exception, classified once, so that each dialect filter only has to format it. */
export interface Failure {
  status: number;
  kind: 'validation' | 'domain' | 'http' | 'internal';
  /** Domain code, HTTP reason, or INTERNAL. */
  code: string;
  message: string;
  issues: ValidationIssue[];
  domain?: DomainError;
  errorId?: string;
}

const STATUS_OF_KIND = {
  not_found: HttpStatus.NOT_FOUND,
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  unauthenticated: HttpStatus.UNAUTHORIZED,
} as const;

const logger = new Logger('Errors');

export function classifyFailure(exception: unknown): Failure {
  if (exception instanceof RequestValidationError) {
    return { status: 400, kind: 'validation', code: 'INVALID_REQUEST', message: exception.message, issues: exception.issues };
  }
  if (exception instanceof DomainError) {
    return {
      status: STATUS_OF_KIND[exception.kind],
      kind: 'domain',
      code: exception.code,
      message: exception.message,
      issues: [],
      domain: exception,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Fastify's body errors (bad JSON, body too large) arrive as HttpExceptions too.
    return { status, kind: 'http', code: HttpStatus[status] ?? String(status), message: httpMessage(exception), issues: [] };
  }
  const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return { status: fastifyStatus, kind: 'http', code: HttpStatus[fastifyStatus] ?? String(fastifyStatus), message: (exception as Error).message, issues: [] };
  }
  // Unknown: log with an id the caller can quote, and never leak the stack.
  const errorId = randomUUID();
  logger.error({ errorId, err: exception }, `Unhandled error ${errorId}: ${(exception as Error)?.message}`);
  return { status: 500, kind: 'internal', code: 'INTERNAL', message: `Internal error (id ${errorId})`, issues: [], errorId };
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}
