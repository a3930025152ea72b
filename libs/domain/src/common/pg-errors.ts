/** True for a Postgres unique violation, optionally of one constraint (a concurrent insert won). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string } | undefined;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * Postgres chose this transaction as a deadlock victim (40P01) and rolled it back: nothing it did
 * stays, so running it again is safe.
 */
export function isDeadlock(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '40P01';
}

/** Runs a whole transaction again when Postgres picked it as a deadlock victim (a few times). */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error;
    }
  }
}
