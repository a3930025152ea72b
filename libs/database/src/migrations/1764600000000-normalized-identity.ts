import { loadConfig } from '@app/config';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeStoredContacts } from '../../../domain/src/customers/stored-contacts';

/**
 * One spelling per identifier and contact address.
 *
 * - `orgs.phone_region`: the region in which an org's national phone numbers are read (set with
 *   `npm run cli -- org:phone-region`); NULL follows DEFAULT_PHONE_REGION.
 * - Stored mobile and email identifiers and email/phone consent addresses take the spelling the
 *   app now writes (E.164, lower-case e-mail), with the same function the app uses. Two spellings
 *   of one key collapse: for consent the newest change stays (on equal times the opt-out), for
 *   identifiers the oldest registration. The ledger keeps what was written (append-only).
 */
export class NormalizedIdentity1764600000000 implements MigrationInterface {
  name = 'NormalizedIdentity1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orgs ADD COLUMN phone_region text');
    await normalizeStoredContacts(q, { defaultRegion: loadConfig().defaultPhoneRegion });
  }

  async down(q: QueryRunner): Promise<void> {
    // The old spellings are gone; only the column can be undone.
    await q.query('ALTER TABLE orgs DROP COLUMN phone_region');
  }
}
