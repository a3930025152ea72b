import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unfanned events by org slot, then seq: each fan-out partition reads its slots' unfanned events
 * as index ranges already in seq order, without stepping over other partitions' rows.
 *
 * The slot is the last byte of the org's uuid (0 to 255), an expression rather than a stored
 * column: it costs no column and no write-path change, it is defined by us (not by a Postgres
 * hash function that could change between versions), and random (v4) org ids spread evenly over
 * it. A partition p of N (N divides 256) owns the slots s with s % N = p, so FAN_OUT_PARTITIONS
 * can change without touching this index. `events_unfanned (seq)` stays for the sweeper's "anything
 * left unfanned" question across all partitions.
 */
export class FanOutPartitions1764780000000 implements MigrationInterface {
  name = 'FanOutPartitions1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX events_unfanned_by_slot ON events ((get_byte(uuid_send(org_id), 15)), seq) WHERE fanned_out_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_unfanned_by_slot');
  }
}
