/**
 * Text Postgres cannot store, wherever a request carries it: a NUL character (refused in `text`
 * and `jsonb`) or a lone UTF-16 surrogate (refused in `jsonb` as an escape). Such input is refused
 * with the dialect's 400 when it arrives, never sent on to fail as a 500 in SQL.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isUnstorableText = (value: string): boolean => UNSTORABLE.test(value);

/** Deeper than any route's body (the v1.1 envelope is 5 levels); deeper is refused as it is parsed. */
export const MAX_JSON_DEPTH = 32;

export interface TextDefect {
  /** Where, as `subscriptions[3].priority`; empty for the value itself. */
  path: string;
  message: string;
}

/**
 * The first defect of a parsed value: nesting deeper than MAX_JSON_DEPTH, or a key or string that
 * Postgres cannot store. Walks with its own stack, so no input can overflow the call stack.
 */
export function findTextDefect(value: unknown): TextDefect | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: node, path, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (isUnstorableText(node)) return { path, message: 'must not contain NUL characters or lone UTF-16 surrogates' };
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(node)) {
      const childPath = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (isUnstorableText(key)) return { path: childPath, message: 'field names must not contain NUL characters or lone UTF-16 surrogates' };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
