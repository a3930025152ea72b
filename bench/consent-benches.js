'use strict';
/**
 * The consent figures, each optline against the raw baseline (bench/baseline/server.js) in the
 * same run: the write path (one change per request, 32 connections), one decision
 * (GET /v1/customers/{id}/consent, 32 connections) and bulk decisions (1,000 questions per
 * POST /v1/consent/decisions, 4 connections).
 */
const { sideBySide } = require('./lib/side-by-side');
const { linesFile } = require('./lib/wrk');

const QUESTIONS_PER_REQUEST = 1000;

/** Bodies of 1,000 questions by customer id, one per rotation of the pool, as a campaign tool batches an audience. */
function decisionBodies(customerIds) {
  const bodies = [];
  for (let start = 0; start < customerIds.length; start += QUESTIONS_PER_REQUEST) {
    const ids = Array.from({ length: QUESTIONS_PER_REQUEST }, (_, i) => customerIds[(start + i) % customerIds.length]);
    bodies.push(JSON.stringify({ questions: ids.map((customerId) => ({ customerId, channel: 'EMAIL', topic: 'BULK' })) }));
  }
  return bodies;
}

function sides(optline, baseline, files) {
  return {
    optline: { url: optline.url, env: { WRK_AUTH: optline.authorization, ...files(optline.customerIds) } },
    baseline: { url: baseline.url, env: { WRK_AUTH: '', ...files(baseline.customerIds) } },
  };
}

const idsFile = (ids) => ({ WRK_IDS: linesFile('ids.txt', ids.map(String)) });
const bodiesFile = (ids) => ({ WRK_BODIES: linesFile('bodies.txt', decisionBodies(ids)) });

async function benchConsent({ optline, baseline, rounds, seconds, warmupSeconds, log }) {
  const common = { rounds, seconds, warmupSeconds, log };
  const writePath = await sideBySide({ label: 'write path', script: 'write-path.lua', connections: 32, ...sides(optline, baseline, idsFile), ...common });
  const oneDecision = await sideBySide({ label: 'one decision', script: 'consent-one.lua', connections: 32, ...sides(optline, baseline, idsFile), ...common });
  const bulk = await sideBySide({ label: 'bulk decisions', script: 'consent-bulk.lua', connections: 4, ...sides(optline, baseline, bodiesFile), ...common });
  return { writePath, oneDecision, bulkDecisions: bulk, questionsPerRequest: QUESTIONS_PER_REQUEST };
}

module.exports = { benchConsent };
