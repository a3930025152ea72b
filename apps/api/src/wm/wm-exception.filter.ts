import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { classifyFailure, Failure } from '../common/failure';
import { trackingIdOf } from './wm-headers.guard';
import { sendWm } from './wm-format';

/** The field a failure without field paths is about, by its HTTP status. */
const FIELD_OF_STATUS: Record<number, string> = {
  401: 'Authorization',
  404: 'customerId',
  406: 'Accept',
  415: 'Content-Type',
};

/** WM's pages give only the success envelope; failures keep it, with a non-Success status and errors naming fields. */
export function wmErrors(failure: Failure): Array<{ field: string; message: string }> {
  if (failure.kind === 'validation') return failure.issues.map((i) => ({ field: i.path, message: i.message }));
  const field = failure.domain?.details.field;
  const message = failure.status === 401 && !field ? 'Unauthorized' : failure.message;
  return [{ field: typeof field === 'string' ? field : (FIELD_OF_STATUS[failure.status] ?? 'request'), message }];
}

@Catch()
export class WmExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const failure = classifyFailure(exception);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendWm(http.getResponse<FastifyReply>(), request, failure.status, {
      status: failure.status >= 500 ? 'Error' : 'Failure',
      request_tracking_id: trackingIdOf(request),
      errors: wmErrors(failure),
    });
  }
}
