import { ArgumentsHost } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { classifyFailure, Failure } from './failure';

/** The body of one failure in a dialect's own shape; the request is there for echoed headers. */
export type FailureRenderer = (failure: Failure, request: FastifyRequest) => unknown;

/** What every dialect filter does: classify once, answer the status with the dialect's body. */
export function replyWithFailure(exception: unknown, host: ArgumentsHost, render: FailureRenderer): void {
  const failure = classifyFailure(exception);
  const http = host.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  http.getResponse<FastifyReply>().status(failure.status).send(render(failure, request));
}
