import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A loopback port nobody listens on right now (for a Redis a test can kill, or a dead URL). */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
  });
}

/** A Redis of the test's own on `port`, keeping nothing on disk: the test may kill it and start it again. */
export function startLocalRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}
