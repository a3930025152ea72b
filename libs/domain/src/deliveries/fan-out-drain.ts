import { setTimeout as sleep } from 'node:timers/promises';
import { FanOutResult, FanOutService } from './fan-out.service';

/**
 * The longest pause between looks at a held partition. Its holder drains it to the end anyway;
 * the look only confirms that, so it need not be quick, and on a busy fleet frequent looks would
 * cost more than they save.
 */
const MAX_RETRY_MS = 200;

export interface DrainOptions {
  partitions: number;
  /** Events claimed per pass (per transaction). */
  eventsPerPass: number;
  /** Called after every pass that claimed something, before the next one. */
  onPass: (result: FanOutResult) => Promise<void>;
  /** First pause before looking again at partitions another worker held; it doubles up to MAX_RETRY_MS. */
  retryMs?: number;
}

/**
 * Fans out every event committed before the call, partition by partition. A partition another
 * worker holds is skipped, never waited on, and looked at again after the others: done once
 * its events up to the starting horizon are fanned out, by whoever holds it or by this worker
 * when the lock comes free. (Skipping alone would strand an event committed just after the
 * holder's last read.) Workers start at different partitions so that they spread out at once.
 */
export async function drainPartitions(fanOut: FanOutService, options: DrainOptions): Promise<void> {
  const { partitions } = options;
  let retryMs = options.retryMs ?? 20;
  const horizon = await fanOut.newestSeq();
  let pending = rotate(await fanOut.partitionsWithWork(partitions, horizon));
  while (pending.length > 0) {
    const held: number[] = [];
    for (const partition of pending) {
      if (!(await drainPartition(fanOut, partition, options))) held.push(partition);
    }
    if (held.length === 0) return;
    await sleep(retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    pending = await fanOut.partitionsWithWork(partitions, horizon, held);
  }
}

/** Passes over one partition until it is empty; false when another worker held it. */
async function drainPartition(fanOut: FanOutService, partition: number, options: DrainOptions): Promise<boolean> {
  for (;;) {
    const result = await fanOut.fanOutPartition(partition, options.partitions, options.eventsPerPass);
    if (!result) return false;
    if (result.events > 0) await options.onPass(result);
    if (result.events < options.eventsPerPass) return true;
  }
}

function rotate<T>(items: T[]): T[] {
  const start = Math.floor(Math.random() * items.length);
  return [...items.slice(start), ...items.slice(0, start)];
}
