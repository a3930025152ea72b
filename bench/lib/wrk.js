'use strict';
/**
 * The load generator of every HTTP figure: wrk, a C program, because the load generator shares the
 * two cores with the servers it measures, and a Node generator (autocannon) took a third of a
 * core from them. Each script in bench/wrk prints one WRK_JSON line that this parses.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const LUA_DIR = path.join(__dirname, '..', 'wrk');
const THREADS = 2;

/** A file the Lua scripts read, one item per line (customer ids, request bodies). */
function linesFile(name, lines) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'optline-bench-'));
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * One wrk run: `script` (in bench/wrk) against `url` for `seconds` with `connections`.
 * `env`: what the script reads (WRK_IDS, WRK_BODIES, WRK_AUTH). Resolves the parsed summary:
 * { requests, rps, p50, p90, p99, max, errors } (latencies in ms).
 */
function wrk({ url, script, seconds, connections, env = {} }) {
  const threads = Math.min(THREADS, connections);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', path.join(LUA_DIR, script), url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env: { ...process.env, ...env, WRK_THREADS: String(threads), WRK_LUA_DIR: LUA_DIR } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (error) => reject(new Error(`wrk could not start (apt-get install wrk): ${error.message}`)));
    child.on('exit', (code) => {
      const line = /WRK_JSON (.+)/.exec(out);
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}):\n${out}`));
      resolve(JSON.parse(line[1]));
    });
  });
}

module.exports = { wrk, linesFile };
