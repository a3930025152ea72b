import { TurnBatch } from '../common/turn-batch';
import { ConsentSnapshot, CustomerWrite, readConsentSnapshots, Sql, writeConsentChanges } from './consent-store';

/** Customers in one statement, at most: bounds a statement's size and the wait of its first request. */
const MAX_CUSTOMERS_PER_STATEMENT = 64;

/**
 * Group commit for the write path: the optimistic reads and writes of concurrent requests, one
 * statement a turn of the event loop each, so that twenty requests cost two statements and one
 * commit instead of forty statements and twenty commits.
 *
 * Each write keeps its own version check, so it applies or is refused exactly as if it had gone
 * alone. A customer goes into a write statement once: a second write for it waits for the next
 * statement, where the first one's version bump refuses it and its request decides again.
 */
export class ConsentWriteBatch {
  private readonly reads: TurnBatch<{ orgId: string; customerId: number }, ConsentSnapshot | null>;
  private readonly writes: TurnBatch<CustomerWrite, number[]>;

  constructor(sql: Sql) {
    this.reads = new TurnBatch((asked) => readConsentSnapshots(sql, asked), { maxItems: MAX_CUSTOMERS_PER_STATEMENT });
    this.writes = new TurnBatch((writes) => writeConsentChanges(sql, writes), {
      maxItems: MAX_CUSTOMERS_PER_STATEMENT,
      onceBy: (write) => write.context.customerId,
    });
  }

  /** The customer's consent records and version (see readConsentSnapshots); null when it is not in the org. */
  read(orgId: string, customerId: number): Promise<ConsentSnapshot | null> {
    return this.reads.add({ orgId, customerId });
  }

  /** Resolves with the write's ledger ids, or [] when its version check refused it. */
  write(write: CustomerWrite): Promise<number[]> {
    return this.writes.add(write);
  }
}
