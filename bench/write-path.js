'use strict';
/** Figure 1: one opt-in/opt-out change per request at 32 connections, optline against the baseline. */
const autocannon = require('autocannon');
const { median, round } = require('./lib/stats');

const CONNECTIONS = 32;

/** One autocannon run; each request flips one customer's EMAIL/BULK consent, rotating over the pool. */
function load(baseUrl, authorization, customerIds, seconds) {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: baseUrl,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            setupRequest: (request) => {
              const i = n++;
              const customerId = customerIds[i % customerIds.length];
              const type = Math.floor(i / customerIds.length) % 2 === 0 ? 'OPTOUT' : 'OPTIN';
              request.path = `/v2/customers/${customerId}/subscriptions`;
              request.body = JSON.stringify({ reason: 'bench', subscriptions: [{ channel: 'EMAIL', priority: 'BULK', type }] });
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function summarise(results) {
  return {
    rps: round(median(results.map((r) => r.requests.average))),
    p50: round(median(results.map((r) => r.latency.p50)), 1),
    p99: round(median(results.map((r) => r.latency.p99)), 1),
    errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
    requests: results.reduce((n, r) => n + r.requests.total, 0),
  };
}

/**
 * Warm up, then alternate optline and baseline rounds (so drift on a shared machine hits both),
 * and report the median of the rounds for each.
 */
async function benchWritePath({ optline, baseline, rounds, seconds, warmupSeconds, log }) {
  log(`write path: warm-up ${warmupSeconds}s each`);
  await load(optline.url, optline.authorization, optline.customerIds, warmupSeconds);
  await load(baseline.url, null, baseline.customerIds, warmupSeconds);
  const ours = [];
  const theirs = [];
  for (let round = 1; round <= rounds; round++) {
    ours.push(await load(optline.url, optline.authorization, optline.customerIds, seconds));
    theirs.push(await load(baseline.url, null, baseline.customerIds, seconds));
    log(`write path round ${round}/${rounds}: optline ${Math.round(ours.at(-1).requests.average)} rps, baseline ${Math.round(theirs.at(-1).requests.average)} rps`);
  }
  return { optline: summarise(ours), baseline: summarise(theirs) };
}

module.exports = { benchWritePath };
