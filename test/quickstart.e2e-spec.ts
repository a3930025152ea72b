import { AppProcess, matchesShown, parseShownAnswer, readmeSection, ReadmeCommand, REPO_ROOT } from '@app/testing';
import { execFile, spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Commands that set up the machine, which the test stack has already done (a migrated database). */
const SETUP = [/^docker run /, /^npm ci$/, /^npm run build$/, /^npm run migrate$/];

/**
 * The README's "First webhook in five minutes", command by command: the API and the worker as the
 * README starts them (real processes), the receiver file it shows, and every curl run by bash as
 * printed, its answer compared with the one the README shows. Only the ports (the README's 3000,
 * 3001 and 8080) and the customer id it registers are mapped to the test stack's.
 */
describe('README quickstart', () => {
  const section = readmeSection('First webhook in five minutes');
  const processes: AppProcess[] = [];
  let receiver: ChildProcess | undefined;
  const receiverOutput: string[] = [];
  const receiverPort = 20000 + Math.floor(Math.random() * 20000);

  afterAll(async () => {
    receiver?.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
  });

  it('shows the receiver file exactly as examples/receiver.mjs holds it', () => {
    const file = readFileSync(resolve(REPO_ROOT, 'examples/receiver.mjs'), 'utf8');
    expect(section.code).toEqual([{ language: 'js', text: file }]);
  });

  it('gets a verified webhook on localhost by running the commands in order', async () => {
    const shell: Record<string, string> = {};
    const ids = new Map<string, string>(); // README id -> the id this stack gave
    let api: AppProcess | undefined, worker: AppProcess | undefined, secret: string | undefined;
    const localize = (text: string) => {
      let out = text.replace(/localhost:8080/g, `localhost:${receiverPort}`);
      if (api) out = out.replace(/localhost:3000/g, `localhost:${api.port}`);
      if (worker) out = out.replace(/localhost:3001/g, `localhost:${worker.port}`).replace(/on :3001/g, `on :${worker.port}`);
      for (const [readmeId, id] of ids) out = out.replace(new RegExp(`customers/${readmeId}/`, 'g'), `customers/${id}/`);
      return out;
    };

    for (const step of section.steps) {
      if (step.kind === 'output') {
        const expected = step.lines.map((line) => localize(line).replace(/customer 1 /, `customer ${ids.get('1')} `));
        await waitFor(() => expected.every((line) => sameLine(line, receiverOutput.join(''))), `receiver to print ${expected}`);
        continue;
      }
      const command = step.text;
      if (SETUP.some((pattern) => pattern.test(command))) continue;

      const start = /^((?:\w+=\S+ )*)npm run start:(api|worker)$/.exec(command);
      if (start) {
        const env = { ...assignments(start[1]), LOG_LEVEL: 'info' };
        const app = await AppProcess.launch(start[2] as 'api' | 'worker', env);
        processes.push(app);
        if (start[2] === 'api') api = app;
        else worker = app;
        const logged = step.shown[0].replace('…,', '');
        const message = JSON.parse(localize(logged).replace(/^\{"level":30,/, '{')).msg;
        await waitFor(() => app.output.join('').includes(message), `${start[2]} to log "${message}"`);
        continue;
      }
      if (command.startsWith('export ')) {
        Object.assign(shell, assignments(localize(command.slice('export '.length))));
        continue;
      }
      const receiverStart = /^OPTLINE_SIGNING_SECRET='whsec_\w+' node (examples\/receiver\.mjs)$/.exec(command);
      if (receiverStart) {
        expect(secret).toMatch(/^whsec_/);
        receiver = spawn(process.execPath, [receiverStart[1]], {
          cwd: REPO_ROOT,
          env: { ...process.env, OPTLINE_SIGNING_SECRET: secret, RECEIVER_PORT: String(receiverPort) },
        });
        receiver.stdout!.on('data', (d: Buffer) => receiverOutput.push(d.toString()));
        receiver.stderr!.on('data', (d: Buffer) => receiverOutput.push(d.toString()));
        const ready = localize(step.shown[0]);
        await waitFor(() => receiverOutput.join('').includes(ready), `the receiver to print "${ready}"`);
        continue;
      }
      if (!command.startsWith('curl ')) throw new Error(`The test does not know how to run this README command: ${command}`);
      const answer = await curlAsShown(localize(command), step, shell, localize);
      secret ??= answer?.signingSecret;
      if (answer?.createdId !== undefined) {
        const shownId = String((parseShownAnswer(step.shown[0])!.body as { createdId: number }).createdId);
        ids.set(shownId, String(answer.createdId));
      }
    }
    expect(api && worker && receiver).toBeTruthy();
    expect(receiverOutput.join('')).not.toContain('rejected');
  }, 120000);
});

/**
 * Runs one curl as printed. A read is asked again for a few seconds until it answers what the
 * README shows (a delivery is recorded just after the receiver answers); a write is run once.
 */
async function curlAsShown(
  command: string,
  step: ReadmeCommand,
  shell: Record<string, string>,
  localize: (text: string) => string,
): Promise<any> {
  const shown = step.shown.map(localize);
  const expectedAnswer = shown.length === 1 ? parseShownAnswer(shown[0]) : undefined;
  const script = expectedAnswer ? `${command} -w '\\n%{http_code}'` : command;
  const once = / -X (POST|PUT|DELETE) /.test(command);
  let last = '';
  for (let attempt = 0; attempt < (once ? 1 : 50); attempt++) {
    if (attempt > 0) await sleep(200);
    const { stdout } = await run('bash', ['-c', script], { env: { ...process.env, ...shell } }).catch((e) => e);
    last = stdout;
    if (expectedAnswer) {
      const [body, status] = splitStatus(stdout);
      if (status === expectedAnswer.status && matchesShown(expectedAnswer.body, body)) return body;
    } else if (sameSeries(shown, stdout)) {
      return undefined;
    }
  }
  throw new Error(`README command:\n${command}\nanswered:\n${last}\nbut the README shows:\n${shown.join('\n')}`);
}

function splitStatus(stdout: string): [any, number] {
  const cut = stdout.lastIndexOf('\n');
  try {
    return [JSON.parse(stdout.slice(0, cut)), Number(stdout.slice(cut + 1))];
  } catch {
    return [stdout, Number(stdout.slice(cut + 1))];
  }
}

/** Prometheus lines: the same series, each with a number (counts depend on what else ran). */
function sameSeries(shown: string[], stdout: string): boolean {
  const series = (lines: string[]) => lines.filter(Boolean).map((l) => l.replace(/ \d+(\.\d+)?$/, ' N'));
  return JSON.stringify(series(shown).sort()) === JSON.stringify(series(stdout.split('\n')).sort()) && shown.length > 0;
}

/** A line the README shows as printed, any UUID standing for any UUID. */
function sameLine(shown: string, output: string): boolean {
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const pattern = shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(uuid, '[0-9a-f-]{36}');
  return new RegExp(pattern).test(output);
}

function assignments(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split(/\s+/).filter(Boolean).map((pair) => pair.split(/=(.*)/s).slice(0, 2)));
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  for (const until = Date.now() + timeoutMs; !predicate(); await sleep(50)) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
