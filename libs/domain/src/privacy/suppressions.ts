import { systemActor } from '../common/actor';
import { Channel } from '../common/channel';
import { ConsentStatus } from '../common/consent-status';
import { consentKeyString } from '../consents/consent-key';
import { LedgerRow, Sql, StoredConsent, writeConsentChanges } from '../consents/consent-store';

/** The reason on the ledger row that starts a new record of an erased person's address from its opt-out. */
export const SUPPRESSED_REASON = 'address-suppressed-after-erasure';

/** What an erased address left: a keyed hash per address, the opt-out and when it happened. */
interface SuppressionRow {
  address_hash: string;
  channel: Channel;
  topic: string;
  account_id: string;
  status: ConsentStatus;
  occurred_at: Date;
}

/**
 * A registration or a consent write that gives a customer an address some erased person had
 * opted out with starts from that opt-out: one system ledger row per suppressed key the customer
 * has no record of, at the time of the original opt-out (so the time rule still judges what comes
 * after it: an older opt-in stays superseded, a newer explicit one applies). Emits no event: the
 * customer never was allowed to receive on that key. Returns the records written, [] when none
 * (one indexed read), or null when the customer's consent version moved (the caller decides again).
 */
export async function restateSuppressions(
  sql: Sql,
  orgId: string,
  customerId: number,
  addresses: string[],
  digest: (address: string) => string,
  recorded: StoredConsent[],
  expectedVersion: number | null,
): Promise<StoredConsent[] | null> {
  const candidates = [...new Set(addresses.filter((a) => a !== ''))];
  if (candidates.length === 0) return [];
  const byHash = new Map(candidates.map((a) => [digest(a), a]));
  const rows: SuppressionRow[] = await sql.query(
    `SELECT address_hash, channel, topic, account_id, status, occurred_at FROM suppressions
     WHERE org_id = $1 AND address_hash = ANY($2::text[]) ORDER BY id`,
    [orgId, [...byHash.keys()]],
    'optline-suppressions',
  );
  const known = new Set(recorded.map(consentKeyString));
  const restated: StoredConsent[] = rows
    .map((r) => ({ channel: r.channel, topic: r.topic, accountId: r.account_id, address: byHash.get(r.address_hash)!, status: r.status, occurredAt: r.occurred_at }))
    .filter((r) => !known.has(consentKeyString(r)));
  if (restated.length === 0) return [];
  const ledgerRows: LedgerRow[] = restated.map((r) => ({
    ...r,
    addressType: null,
    previousStatus: null,
    sourceName: null,
    orgUnitId: null,
    eventId: null,
    supersededByOccurredAt: null,
  }));
  const context = { customerId, actorName: null, reason: SUPPRESSED_REASON, campaignId: null, communicationId: null, proof: null };
  const [ids] = await writeConsentChanges(sql, [{ actor: systemActor(orgId), context, events: [], rows: ledgerRows, expectedVersion }]);
  return ids.length === 0 ? null : restated;
}
