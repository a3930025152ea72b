import { ServiceUnavailableException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NativeExceptionFilter } from './native-exception.filter';

const RESERVED = Symbol('optline:body-bytes-reserved');
type BudgetedRequest = FastifyRequest & { [RESERVED]?: number };

/**
 * Bounds the request bodies the API holds at once. A body costs several times its size while it is
 * parsed, validated and written (the text, the parsed objects, the DTOs, the query parameters), so
 * a burst of large valid requests could fill the heap and take every request in flight down with
 * the process. Each request reserves its Content-Length (a body of unknown length: the body limit)
 * before a byte of it is read; when the reservation would pass `budgetBytes`, the request is
 * answered 503 with Retry-After in its dialect's body, and nothing is read or written. One body of
 * the body limit always fits, so no valid request is refused forever.
 */
export function useBodyBudget(app: NestFastifyApplication, budgetBytes: number, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  let inFlight = 0;
  const release = (request: BudgetedRequest) => {
    inFlight -= request[RESERVED] ?? 0;
    request[RESERVED] = 0;
  };

  fastify.addHook('onRequest', (request: BudgetedRequest, reply: FastifyReply, done: () => void) => {
    const bytes = bodyBytesOf(request, bodyLimit);
    if (bytes > 0 && inFlight > 0 && inFlight + bytes > budgetBytes) {
      // The refused body is still read and dropped chunk by chunk: closing the connection instead
      // would have the client fail to write (EPIPE) before it reads the answer.
      reply.header('retry-after', '1');
      const busy = new ServiceUnavailableException('Too many large requests at once; retry after a second');
      return new NativeExceptionFilter().catch(busy, new ExecutionContextHost([request, reply]));
    }
    inFlight += bytes;
    request[RESERVED] = bytes;
    done();
  });
  fastify.addHook('onResponse', (request: BudgetedRequest, _reply, done) => {
    release(request);
    done();
  });
  fastify.addHook('onRequestAbort', (request: BudgetedRequest, done) => {
    release(request);
    done();
  });
}

/** What a request's body may cost: its declared length (Fastify refuses one over the limit), else the limit. */
function bodyBytesOf(request: FastifyRequest, bodyLimit: number): number {
  const declared = request.headers['content-length'];
  if (declared !== undefined) return Math.min(Number(declared) || 0, bodyLimit);
  return request.headers['transfer-encoding'] ? bodyLimit : 0;
}
