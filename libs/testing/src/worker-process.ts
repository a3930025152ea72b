import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/**
 * The worker as a real OS process (ts-node, no build needed), for tests that kill it (SIGKILL,
 * SIGTERM) or run several at once. Resolves once its health server reports ready.
 */
export class WorkerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly output: string[],
  ) {}

  static async start(env: Record<string, string> = {}, port = 0): Promise<WorkerProcess> {
    const workerPort = port || 20000 + Math.floor(Math.random() * 20000);
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', WORKER_PORT: String(workerPort), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const worker = new WorkerProcess(child, workerPort, output);
    await worker.waitReady();
    return worker;
  }

  async waitReady(timeoutMs = 30000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.child.exitCode !== null) throw new Error(`Worker exited: ${this.output.join('')}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Worker not ready: ${this.output.join('')}`);
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    return new Promise((resolveExit) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolveExit(this.child.exitCode);
      this.child.once('exit', (code) => resolveExit(code));
      this.child.kill(signal);
    });
  }
}
