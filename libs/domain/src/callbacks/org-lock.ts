import { EntityManager } from 'typeorm';

/**
 * Serialises the org's callback and subscription writes for the rest of the transaction, so that
 * rules spanning rows (one ACTIVE subscription per event type, no callback deleted while in use)
 * hold under concurrent requests. Other orgs are not blocked.
 */
export async function lockOrgSubscriptions(manager: EntityManager, orgId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('optline:subscriptions:' || $1, 0))`, [orgId]);
}
