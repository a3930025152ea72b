/**
 * Binds SQL parameters by name: `$.orgId` is the placeholder ('$1' ...) of `values.orgId`, and
 * `values` the list to pass along. A statement that binds thirty values then reads by name, and
 * adding one cannot shift the others. Placeholders follow the key order, so the text is the same
 * on every call and a prepared statement built from it stays valid.
 */
export function bindNamed<T extends Record<string, unknown>>(named: T): { $: { [K in keyof T]: string }; values: unknown[] } {
  const keys = Object.keys(named) as Array<keyof T>;
  const $ = Object.fromEntries(keys.map((key, i) => [key, `$${i + 1}`])) as { [K in keyof T]: string };
  return { $, values: keys.map((key) => named[key]) };
}
