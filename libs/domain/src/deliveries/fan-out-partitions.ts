/**
 * How the outbox splits into fan-out partitions. An org's slot is the last byte of its uuid (the
 * expression `events_unfanned_by_slot` indexes); partition p of N owns the slots s with
 * s % N = p, so N must divide the number of slots.
 */
export const FAN_OUT_SLOTS = 256;

/** The slot of an event's org, in SQL: must match the index expression exactly to use it. */
export const ORG_SLOT_SQL = 'get_byte(uuid_send(org_id), 15)';

export function slotsOf(partition: number, partitions: number): number[] {
  if (FAN_OUT_SLOTS % partitions !== 0 || partition < 0 || partition >= partitions) {
    throw new Error(`partition ${partition} of ${partitions}: the count must divide ${FAN_OUT_SLOTS}`);
  }
  const slots: number[] = [];
  for (let slot = partition; slot < FAN_OUT_SLOTS; slot += partitions) slots.push(slot);
  return slots;
}

/** The partition (of `partitions`) an org's events fall in. */
export function partitionOfOrg(orgId: string, partitions: number): number {
  return parseInt(orgId.replace(/-/g, '').slice(30, 32), 16) % partitions;
}
