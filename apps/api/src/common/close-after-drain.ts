import { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Once the API is closing, every response it still sends says `Connection: close`. Closing the
 * server drops the connections that are idle at that moment, but a keep-alive connection whose
 * request was still running would stay open after its response until the keep-alive timeout (72 s
 * in Fastify), and the process with it: SIGTERM during a request hung the API. With the header the
 * client closes it as soon as the response is read.
 */
export function closeConnectionsAfterDrain(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
