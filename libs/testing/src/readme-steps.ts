import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One command of a README shell block, with the answer the README shows under it. */
export interface ReadmeCommand {
  kind: 'command';
  /** The command with its `\` continuations joined. */
  text: string;
  /** The `# …` lines after it, without the `# `. */
  shown: string[];
}

/** A README block without a language: what a terminal prints (the receiver's output). */
export interface ReadmeOutput {
  kind: 'output';
  lines: string[];
}

export interface ReadmeSection {
  steps: Array<ReadmeCommand | ReadmeOutput>;
  /** Code blocks in other languages (js …), by language. */
  code: Array<{ language: string; text: string }>;
}

export const REPO_ROOT = resolve(__dirname, '../../..');

/** Reads one `## ` section of the README into its shell commands, outputs and code blocks, in order. */
export function readmeSection(title: string): ReadmeSection {
  const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section "## ${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const parsed: ReadmeSection = { steps: [], code: [] };
  for (const [, language, body] of section.matchAll(/\n```(\w*)\n([\s\S]*?)\n```/g)) {
    if (language === 'sh') parsed.steps.push(...shellCommands(body));
    else if (language === '') parsed.steps.push({ kind: 'output', lines: body.split('\n') });
    else parsed.code.push({ language, text: body + '\n' });
  }
  return parsed;
}

function shellCommands(block: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('# ')) {
      commands[commands.length - 1]?.shown.push(line.slice(2));
      continue;
    }
    let text = line;
    while (text.endsWith('\\')) text = text.slice(0, -1) + lines[++i].trimStart();
    commands.push({ kind: 'command', text: text.replace(/\s+#\s.*$/, ''), shown: [] });
  }
  return commands;
}

/**
 * Whether an answer has the shape the README shows: the same keys and values, where `…` stands
 * for anything, a `whsec_` secret for any secret, and ids and times may differ.
 */
export function matchesShown(shown: unknown, actual: unknown, key = ''): boolean {
  if (shown === '…') return true;
  if (typeof shown === 'string' && shown.startsWith('whsec_')) return typeof actual === 'string' && actual.startsWith('whsec_');
  if (key === 'createdId') return typeof actual === 'number';
  if (Array.isArray(shown)) {
    return Array.isArray(actual) && shown.length === actual.length && shown.every((s, i) => matchesShown(s, actual[i]));
  }
  if (shown && typeof shown === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    const keys = Object.keys(shown);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((k) => matchesShown((shown as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], k))
    );
  }
  return shown === actual;
}

/** `# 201 {json}` as shown in the README: the status and the body, `{…}` standing for any value. */
export function parseShownAnswer(shown: string): { status: number; body: unknown } | undefined {
  const match = /^(\d{3}) (\{.*\})$/.exec(shown);
  if (!match) return undefined;
  return { status: Number(match[1]), body: JSON.parse(match[2].replace(/\{…\}/g, '"…"')) };
}
