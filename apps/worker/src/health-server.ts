import { createServer, Server } from 'node:http';
import { WorkerHealth } from './worker-health';

/**
 * The worker's small HTTP server: `/health` (liveness), `/health/ready` (Postgres and Redis) and,
 * with the metrics registry, `/metrics`. A plain node:http server: the worker has no other HTTP.
 */
export function startHealthServer(
  health: WorkerHealth,
  port: number,
  metrics?: () => Promise<{ contentType: string; body: string }>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return reply(200, { status: 'ok' });
    if (path === '/health/ready') {
      health.readiness().then(
        (report) => reply(report.status === 'ok' ? 200 : 503, report),
        (error: Error) => reply(503, { status: 'error', message: error.message }),
      );
      return;
    }
    if (path === '/metrics' && metrics) {
      metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (error: Error) => reply(500, { message: error.message }),
      );
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve) => server.listen(port, '0.0.0.0', () => resolve(server)));
}
