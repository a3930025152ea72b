import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** Where each app starts, and the variable that sets the port its readiness is asked on. */
const APPS = {
  api: { entry: 'apps/api/src/main.ts', portVariable: 'PORT' },
  worker: { entry: 'apps/worker/src/main.ts', portVariable: 'WORKER_PORT' },
} as const;

/**
 * An app as a real OS process (ts-node, no build needed), as `npm run start:api` or
 * `start:worker` runs it: for tests that kill it (SIGKILL, SIGTERM), run several at once, or read
 * what it logs. Resolves once its `/health/ready` answers.
 */
export class AppProcess {
  protected constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly output: string[],
  ) {}

  /** `readyPath`: what must answer 200 before the process counts as started (the liveness path for an app started without its Redis). */
  static async launch(
    app: keyof typeof APPS,
    env: Record<string, string> = {},
    port = 0,
    nodeArgs: string[] = [],
    readyPath = '/health/ready',
  ): Promise<AppProcess> {
    const appPort = port || 20000 + Math.floor(Math.random() * 20000);
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', APPS[app].entry],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', [APPS[app].portVariable]: String(appPort), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const started = new AppProcess(child, appPort, output);
    // A process that never got ready is nobody's to stop: kill it, or it outlives the test run.
    await started.waitReady(30000, readyPath).catch((error) => {
      child.kill('SIGKILL');
      throw error;
    });
    return started;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async waitReady(timeoutMs = 30000, path = '/health/ready'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.child.exitCode !== null) throw new Error(`Process exited: ${this.output.join('')}`);
      try {
        const res = await fetch(`${this.url}${path}`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Process not ready: ${this.output.join('')}`);
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    return new Promise((resolveExit) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolveExit(this.child.exitCode);
      this.child.once('exit', (code) => resolveExit(code));
      this.child.kill(signal);
    });
  }
}

/** The worker as a real OS process. */
export class WorkerProcess extends AppProcess {
  static start(env: Record<string, string> = {}, port = 0): Promise<WorkerProcess> {
    return AppProcess.launch('worker', env, port);
  }
}
