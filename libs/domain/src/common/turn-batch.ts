export interface TurnBatchOptions<In> {
  /** Items run together, at most; the rest wait for the next run. */
  maxItems: number;
  /** Items with equal keys never run together: the second waits for the next run. */
  onceBy?: (item: In) => unknown;
}

interface Waiting<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs the items added during one turn of the event loop as one call of `runAll`, which answers
 * them in order: the statements that concurrent requests make one each go to Postgres as one
 * (one round trip, one commit). Under load the requests whose reads return in one poll of the
 * event loop decide in the same turn, so the batches grow with the load; alone, an item waits for
 * nothing but the end of its turn.
 *
 * When a batch fails (one item's bad value, a deadlock with a transaction that locks rows in
 * another order), each of its items runs again on its own, so that one request's failure is never
 * another's.
 */
export class TurnBatch<In, Out> {
  private waiting: Array<Waiting<In, Out>> = [];
  private scheduled = false;

  constructor(
    private readonly runAll: (items: In[]) => Promise<Out[]>,
    private readonly options: TurnBatchOptions<In>,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch: Array<Waiting<In, Out>> = [];
    const later: Array<Waiting<In, Out>> = [];
    const keys = new Set<unknown>();
    for (const waiting of this.waiting) {
      const key = this.options.onceBy?.(waiting.item);
      if (batch.length >= this.options.maxItems || (key !== undefined && keys.has(key))) {
        later.push(waiting);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(waiting);
    }
    this.waiting = later;
    if (later.length > 0) this.schedule();
    void this.run(batch);
  }

  private async run(batch: Array<Waiting<In, Out>>): Promise<void> {
    try {
      const outs = await this.runAll(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(outs[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map((w) => this.runAll([w.item]).then(([out]) => w.resolve(out), w.reject)));
    }
  }
}
