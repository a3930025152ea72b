import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** optline's version from its package.json, found by walking up (source, dist and image layouts differ). */
function findVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'optline' && pkg.version) return pkg.version;
  }
  return '0.0.0';
}

export const OPTLINE_VERSION = findVersion();
