import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { Failure } from '../common/failure';
import { replyWithFailure } from '../common/failure-reply';

/**
 * Altcraft's pages give the envelope `{ error, error_text }` with 0 for success but no codes for
 * failures: optline answers the HTTP status as the code, so `error` and the status always agree.
 */
export function altcraftErrorBody(failure: Failure) {
  const text =
    failure.status === 401
      ? 'Authentication failed: the token is missing, unknown or revoked'
      : failure.kind === 'validation'
        ? `Invalid request: ${failure.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
        : failure.message;
  return { error: failure.status, error_text: text };
}

@Catch()
export class AltcraftExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    replyWithFailure(exception, host, altcraftErrorBody);
  }
}
