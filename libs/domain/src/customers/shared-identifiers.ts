import { DataSource, EntityManager } from 'typeorm';
import { systemActor } from '../common/actor';
import { ConsentsService } from '../consents/consents.service';
import { OutboxOnlyNotifier } from '../events/event-notifier';
import { CustomerMergeService } from './customer-merge.service';
import { CustomersService } from './customers.service';
import { normalizeStoredContacts, RespellingReport, StoredContactsScope } from './stored-contacts';

/**
 * Respells stored identifiers and consent addresses (normalizeStoredContacts), then merges the
 * customers found to hold one identifier: they are one person, as when Capillary tags a
 * registration onto the customer that holds its identifier. The oldest registration survives;
 * the merge keeps every opt-out of the others (customer-merge.service). All in the caller's
 * transaction, as optline itself (dialect `system`); returns the event ids to notify after commit.
 */
export async function respellStoredContacts(
  manager: EntityManager,
  merges: CustomerMergeService,
  scope: StoredContactsScope,
): Promise<{ report: RespellingReport; eventIds: string[] }> {
  const report = await normalizeStoredContacts(manager, scope);
  const eventIds: string[] = [];
  for (const { orgId, customerIds } of report.sharedIdentifiers) {
    // An earlier group may have merged some of these already: act on who they are now.
    const rows: Array<{ id: string; current: string; phone_region: string | null }> = await manager.query(
      `SELECT c.id, COALESCE(c.merged_into, c.id) AS current, o.phone_region
         FROM customers c JOIN orgs o ON o.id = c.org_id WHERE c.org_id = $1 AND c.id = ANY($2::bigint[])`,
      [orgId, customerIds],
    );
    const current = new Map(rows.map((r) => [Number(r.id), Number(r.current)]));
    const actor = systemActor(orgId, rows[0]?.phone_region ?? scope.defaultRegion);
    const [survivor, ...victims] = [...new Set(customerIds.map((id) => current.get(id) ?? id))];
    for (const victim of victims) eventIds.push(...(await merges.mergeInTransaction(manager, actor, survivor, victim)).eventIds);
  }
  return { report, eventIds };
}

/** The merge service outside the Nest app (a migration), on the given data source. */
export function standaloneMergeService(dataSource: DataSource): CustomerMergeService {
  const notifier = new OutboxOnlyNotifier();
  return new CustomerMergeService(dataSource, new ConsentsService(dataSource, notifier, new CustomersService(dataSource)), notifier);
}
