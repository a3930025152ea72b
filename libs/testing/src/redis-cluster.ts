import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Redis Cluster of three masters on loopback, started by a test and stopped by it. */
export interface LocalRedisCluster {
  /** `127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103`, as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

/** Redis listens on the port and on port + 10000 (the cluster bus): both must be free. */
async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
}

/** The first of up to 20 blocks (7101-7103, 7111-7113, ...) whose ports and bus ports are all free. */
async function freePorts(first: number): Promise<number[]> {
  for (let base = first; base < first + 200; base += 10) {
    const ports = [base, base + 1, base + 2];
    const free = await Promise.all(ports.flatMap((port) => [isFree(port), isFree(port + 10000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no free block of Redis ports from ${first}`);
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10000 });

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts three `redis-server --cluster-enabled yes` processes in a fresh temporary directory,
 * joins them with `redis-cli --cluster create` (no replicas) and waits for cluster_state:ok.
 * Whatever fails on the way, the processes started so far are killed and the directory removed;
 * a block of ports taken between the check and the start (another run of the suite) is given up
 * for the next free one, twice at most.
 */
export async function startRedisCluster(firstPort = 7101): Promise<LocalRedisCluster> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(firstPort);
    try {
      return await startOn(ports);
    } catch (error) {
      if (attempt === 3) throw error;
      firstPort = ports[0] + 10;
    }
  }
}

async function startOn(ports: number[]): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'optline-redis-cluster-'));
  const servers: ChildProcess[] = [];
  // Should the test process end without calling stop (a crash, a kill), the servers end with it.
  const killOnExit = () => servers.forEach((server) => server.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) return resolve();
            server.once('exit', () => resolve());
            server.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const server = spawn(
        'redis-server',
        [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--dir', dir,
          '--save', '',
          '--appendonly', 'no',
          '--daemonize', 'no',
        ],
        { stdio: 'ignore' },
      );
      servers.push(server);
      server.once('error', () => undefined);
    }
    await until('the cluster nodes to answer PING', async () => (await Promise.all(ports.map((p) => cli(p, 'ping')))).every((r) => r.stdout.includes('PONG')), 10000);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 20000 });
    await until('cluster_state:ok on every node', async () => (await Promise.all(ports.map((p) => cli(p, 'cluster', 'info')))).every((r) => r.stdout.includes('cluster_state:ok')), 20000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, stop };
}
