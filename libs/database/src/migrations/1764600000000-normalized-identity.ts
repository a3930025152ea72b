import { loadConfig } from '@app/config';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { respellStoredContacts, standaloneMergeService } from '../../../domain/src/customers/shared-identifiers';

/**
 * One spelling per identifier and contact address.
 *
 * - `orgs.phone_region`: the region in which an org's national phone numbers are read (set with
 *   `npm run cli -- org:phone-region`); NULL follows DEFAULT_PHONE_REGION.
 * - Stored mobile and email identifiers and email/phone consent addresses take the spelling the
 *   app now writes (E.164, lower-case e-mail), with the same function the app uses. Two spellings
 *   of one key collapse: for consent the newest change stays (on equal times the opt-out), and a
 *   ledger row restates it under the new spelling (the ledger itself is append-only); for
 *   identifiers the oldest registration keeps the row, and customers found holding one
 *   identifier are merged into the oldest (every opt-out kept; their events wait in the outbox
 *   for the worker's sweeper).
 */
export class NormalizedIdentity1764600000000 implements MigrationInterface {
  name = 'NormalizedIdentity1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // Merges run the domain's code, which reads through today's entities: on an empty database
    // (every fresh install, every test run) there is nothing to merge. A database upgraded across
    // this and a later migration that adds entity columns, with customers to merge, would need
    // that later column read out of the merge path; nothing stored before this migration had
    // normalized spellings, so keeping the merge here is what keeps every opt-out.
    await q.query('ALTER TABLE orgs ADD COLUMN phone_region text');
    await respellStoredContacts(q.manager, standaloneMergeService(q.connection), { defaultRegion: loadConfig().defaultPhoneRegion });
  }

  async down(q: QueryRunner): Promise<void> {
    // The old spellings are gone; only the column can be undone.
    await q.query('ALTER TABLE orgs DROP COLUMN phone_region');
  }
}
