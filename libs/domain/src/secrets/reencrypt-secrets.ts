import { DataSource } from 'typeorm';
import { SecretBox } from './secret-box';

/** The sealed columns of each table; all of them text, null where a callback has no such secret. */
const SEALED_COLUMNS = { callbacks: ['auth_password', 'signing_secret', 'previous_signing_secret'] } as const;

export interface ReencryptionReport {
  /** Values now sealed with the first key of SECRETS_KEYS (they were in clear or under another key). */
  reencrypted: number;
  /** Values that already were. */
  current: number;
}

/**
 * Moves every stored secret to the key that seals now (SECRETS_KEYS' first), opening it with
 * whichever listed key sealed it, or reading it in clear. One transaction with the rows locked, so a
 * callback written meanwhile waits, and a failure (a key no longer listed) changes nothing. Raw SQL,
 * so updated_at keeps saying when the callback itself last changed.
 */
export async function reencryptSecrets(dataSource: DataSource, box: SecretBox): Promise<ReencryptionReport> {
  const report: ReencryptionReport = { reencrypted: 0, current: 0 };
  await dataSource.transaction(async (manager) => {
    for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
      const rows: Array<Record<string, string | null>> = await manager.query(`SELECT id, ${columns.join(', ')} FROM ${table} FOR UPDATE`);
      for (const row of rows) {
        const stale = columns.filter((column) => row[column] !== null && !box.isCurrent(row[column]!));
        report.current += columns.filter((column) => row[column] !== null).length - stale.length;
        if (!stale.length) continue;
        const values = stale.map((column) => box.seal(box.open(row[column]!, column), column));
        await manager.query(`UPDATE ${table} SET ${stale.map((column, i) => `${column} = $${i + 2}`).join(', ')} WHERE id = $1`, [row.id, ...values]);
        report.reencrypted += stale.length;
      }
    }
  });
  return report;
}
