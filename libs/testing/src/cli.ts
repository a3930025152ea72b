import { execFile } from 'node:child_process';
import { TEST_DATABASE_URL } from './test-env';

/** `npm run cli -- <args>` against the test database, from the sources (no build needed), with extraEnv over the test env. */
export function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const node = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/cli.ts', ...args];
  const env = { ...process.env, DATABASE_URL: TEST_DATABASE_URL, TS_NODE_PROJECT: 'tsconfig.json', ...extraEnv };
  return new Promise((resolve) => {
    execFile('node', node, { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
