'use strict';
/**
 * optline against its baseline under the same load: a warm-up of each, then rounds that alternate
 * the two (so drift on a shared machine hits both), reported as the median of the rounds with the
 * spread (lowest and highest round) beside it.
 */
const { median, round } = require('./stats');
const { wrk } = require('./wrk');

function summarise(runs) {
  const pick = (field) => runs.map((r) => r[field]);
  return {
    rps: round(median(pick('rps')), 1),
    rpsRange: [round(Math.min(...pick('rps')), 1), round(Math.max(...pick('rps')), 1)],
    p50: round(median(pick('p50')), 1),
    p99: round(median(pick('p99')), 1),
    p99Range: [round(Math.min(...pick('p99')), 1), round(Math.max(...pick('p99')), 1)],
    errors: runs.reduce((n, r) => n + r.errors, 0),
    requests: runs.reduce((n, r) => n + r.requests, 0),
  };
}

/**
 * `optline` and `baseline`: { url, env } for the wrk `script`. Resolves { optline, baseline, rounds }
 * with each side's summary and every round's raw figures.
 */
async function sideBySide({ label, script, connections, optline, baseline, rounds, seconds, warmupSeconds, log }) {
  const load = (side, duration) => wrk({ url: side.url, env: side.env, script, connections, seconds: duration });
  log(`${label}: warm-up ${warmupSeconds}s each`);
  await load(optline, warmupSeconds);
  await load(baseline, warmupSeconds);
  const ours = [];
  const theirs = [];
  for (let n = 1; n <= rounds; n++) {
    ours.push(await load(optline, seconds));
    theirs.push(await load(baseline, seconds));
    log(`${label} round ${n}/${rounds}: optline ${ours.at(-1).rps} rps p99 ${ours.at(-1).p99} ms, baseline ${theirs.at(-1).rps} rps p99 ${theirs.at(-1).p99} ms`);
  }
  return { optline: summarise(ours), baseline: summarise(theirs), rounds: { optline: ours, baseline: theirs } };
}

module.exports = { sideBySide };
