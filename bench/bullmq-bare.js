'use strict';
/** The bare BullMQ rate on the same Redis: trivial jobs added with addBulk, processed by a no-op worker. */
const { Queue, Worker } = require('bullmq');

async function benchBareBullmq({ redisUrl, jobs, concurrency }) {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0), maxRetriesPerRequest: null };
  const name = `bare-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix: 'optline-bench' });
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const worker = new Worker(name, async () => undefined, { connection, prefix: 'optline-bench', concurrency, autorun: true });
  worker.on('completed', () => {
    if (++done === jobs) finish();
  });
  await worker.waitUntilReady();
  const started = Date.now();
  for (let i = 0; i < jobs; i += 1000) {
    const size = Math.min(1000, jobs - i);
    await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  await finished;
  const seconds = (Date.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return { jobs, seconds, perSecond: Math.round(jobs / seconds) };
}

module.exports = { benchBareBullmq };
