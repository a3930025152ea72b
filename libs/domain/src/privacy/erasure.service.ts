import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { allowsSending, ConsentStatus } from '../common/consent-status';
import { CUSTOMER_ERASED } from '../events/event-catalogue';
import { EventNotifier } from '../events/event-notifier';
import { OrgSecretsService } from './org-secrets.service';
import { customersOfPerson } from './person-customers';

/** What an erased ledger row's address becomes: the keyed hash, recognisable as such. */
export const ERASED_ADDRESS_PREFIX = 'erased:';

/** Proof keys that name no person (ids, types, key ids); everything else in a proof goes. */
const IMPERSONAL_PROOF_KEYS = ['mergedFrom', 'eventId', 'eventType', 'kid', 'linkIssuedAt'];

export interface ErasureResult {
  /** The person's customer ids: the one named (its survivor) and every customer merged into it. */
  customerIds: number[];
  suppressed: number;
  eventId: string;
}

/**
 * GDPR article 17. Names, custom fields, identifiers, addresses and proof details leave every
 * table in one transaction; what must survive stays without them: each opt-out as a suppression
 * entry under a keyed hash, and every ledger row with its times, statuses and reasons, its
 * address replaced by the same keyed hash (the ledger's one controlled exception, see the
 * PersonSide migration), so consent:verify still replays the erased person's ledger to their state.
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: OrgSecretsService,
    private readonly notifier: EventNotifier,
  ) {}

  async erase(actor: ActorContext, customerId: number): Promise<ErasureResult> {
    const digest = await this.secrets.addressDigester(actor.orgId);
    const result = await this.dataSource.transaction((manager) => this.eraseInTransaction(manager, actor, customerId, digest));
    await this.notifier.eventsCommitted([result.eventId]);
    return result;
  }

  private async eraseInTransaction(
    manager: EntityManager,
    actor: ActorContext,
    customerId: number,
    digest: (address: string) => string,
  ): Promise<ErasureResult> {
    const { orgId } = actor;
    const ids = await customersOfPerson((text, params) => manager.query(text, params), orgId, customerId, true);
    const addresses = await addressesOf(manager, orgId, ids);
    const hashed = (address: string) => (address === '' ? '' : `${ERASED_ADDRESS_PREFIX}${digest(address)}`);
    const plain = [...addresses];
    const hashes = plain.map(hashed);

    const suppressed = await suppress(manager, orgId, ids, digest);
    await manager.query("SET LOCAL optline.erasing = 'on'");
    await eraseLedger(manager, orgId, ids, plain, hashes, hashed);
    await manager.query("SET LOCAL optline.erasing = 'off'");
    await manager.query(
      `UPDATE consents c SET address = m.hashed, updated_at = now()
       FROM unnest($3::text[], $4::text[]) AS m(plain, hashed)
       WHERE c.org_id = $1 AND c.customer_id = ANY($2::bigint[]) AND c.address = m.plain`,
      [orgId, ids, plain, hashes],
    );
    // Events about the person, and what consumers answered when they were delivered.
    const events: Array<{ id: string }> = await manager.query(
      `UPDATE events SET recipient = NULL, campaign_name = NULL, payload = '{"erased": true}'
       WHERE org_id = $1 AND (customer_id = ANY($2::bigint[]) OR recipient = ANY($3::text[])) RETURNING id`,
      [orgId, ids, plain],
    );
    await manager.query(
      `UPDATE delivery_attempts SET response_body = NULL, error = NULL
       WHERE org_id = $1 AND batch_id IN (SELECT batch_id FROM deliveries WHERE org_id = $1 AND event_id = ANY($2::uuid[]) AND batch_id IS NOT NULL)`,
      [orgId, events.map((e) => e.id)],
    );
    await manager.query('DELETE FROM customer_identifiers WHERE org_id = $1 AND customer_id = ANY($2::bigint[])', [orgId, ids]);
    await manager.query('DELETE FROM customer_profiles WHERE org_id = $1 AND customer_id = ANY($2::bigint[])', [orgId, ids]);
    await manager.query(
      `UPDATE customers SET extended_fields = '{}', erased_at = now(), updated_at = now(), consent_version = consent_version + 1
       WHERE org_id = $1 AND id = ANY($2::bigint[])`,
      [orgId, ids],
    );
    const eventId = randomUUID();
    await manager.query(
      `INSERT INTO events (id, org_id, type, customer_id, payload, occurred_at) VALUES ($1, $2, $3, $4, $5::jsonb, now())`,
      [eventId, orgId, CUSTOMER_ERASED, ids[0], JSON.stringify({ customerId: ids[0], erasedCustomerIds: ids })],
    );
    return { customerIds: ids, suppressed, eventId };
  }
}

/** Every address the person's consent ever named, in any spelling, and their identifier values. */
async function addressesOf(manager: EntityManager, orgId: string, ids: number[]): Promise<Set<string>> {
  const rows: Array<{ address: string }> = await manager.query(
    `SELECT address FROM consents WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND address <> ''
     UNION SELECT address FROM consent_ledger WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND address <> ''
     UNION SELECT jsonb_array_elements_text(proof->'respelledFrom') FROM consent_ledger
       WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND jsonb_typeof(proof->'respelledFrom') = 'array'
     UNION SELECT value FROM customer_identifiers WHERE org_id = $1 AND customer_id = ANY($2::bigint[])`,
    [orgId, ids],
  );
  return new Set(rows.map((r) => r.address).filter((a) => a !== '' && !a.startsWith(ERASED_ADDRESS_PREFIX)));
}

/** One suppression entry per opted-out address-level record; a later opt-out of the same key keeps the later time. */
async function suppress(manager: EntityManager, orgId: string, ids: number[], digest: (address: string) => string): Promise<number> {
  const records: Array<{ channel: string; topic: string; account_id: string; address: string; status: ConsentStatus; occurred_at: Date }> =
    await manager.query(
      `SELECT channel, topic, account_id, address, status, occurred_at FROM consents
       WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND address <> ''`,
      [orgId, ids],
    );
  const optedOut = records.filter((r) => !allowsSending(r.status) && !r.address.startsWith(ERASED_ADDRESS_PREFIX));
  if (optedOut.length === 0) return 0;
  await manager.query(
    `INSERT INTO suppressions (org_id, address_hash, channel, topic, account_id, status, occurred_at)
     SELECT $1, s.hash, s.channel, s.topic, s.account_id, s.status, s.occurred_at
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS s(hash, channel, topic, account_id, status, occurred_at)
     ON CONFLICT (org_id, address_hash, channel, topic, account_id) DO UPDATE
       SET status = EXCLUDED.status, occurred_at = EXCLUDED.occurred_at WHERE suppressions.occurred_at < EXCLUDED.occurred_at`,
    [
      orgId,
      optedOut.map((r) => digest(r.address)),
      optedOut.map((r) => r.channel),
      optedOut.map((r) => r.topic),
      optedOut.map((r) => r.account_id),
      optedOut.map((r) => r.status),
      optedOut.map((r) => r.occurred_at),
    ],
  );
  return optedOut.length;
}

/**
 * The ledger keeps every row; each loses its personal fields: the address becomes its keyed hash
 * (the same one the state gets, so the replay still matches), ip, user agent and actor go, and the
 * proof keeps only impersonal keys, with the spellings a respelling absorbed hashed too.
 */
async function eraseLedger(
  manager: EntityManager,
  orgId: string,
  ids: number[],
  plain: string[],
  hashes: string[],
  hashed: (address: string) => string,
): Promise<void> {
  const respelled: Array<{ id: string; respelled: string[] }> = await manager.query(
    `SELECT id, ARRAY(SELECT jsonb_array_elements_text(proof->'respelledFrom')) AS respelled FROM consent_ledger
     WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND jsonb_typeof(proof->'respelledFrom') = 'array'`,
    [orgId, ids],
  );
  await manager.query(
    `UPDATE consent_ledger l SET
       address = COALESCE((SELECT m.hashed FROM unnest($3::text[], $4::text[]) AS m(plain, hashed) WHERE m.plain = l.address), l.address),
       ip = NULL, user_agent = NULL, actor = NULL,
       proof = CASE WHEN l.proof IS NULL THEN NULL ELSE
         (SELECT COALESCE(jsonb_object_agg(k, v), '{}'::jsonb) FROM jsonb_each(l.proof) AS p(k, v) WHERE k = ANY($5::text[]))
         || jsonb_build_object('erased', true)
         || COALESCE((SELECT jsonb_build_object('respelledFrom', r.spellings) FROM unnest($6::bigint[], $7::jsonb[]) AS r(id, spellings) WHERE r.id = l.id), '{}'::jsonb)
       END
     WHERE l.org_id = $1 AND l.customer_id = ANY($2::bigint[])`,
    [orgId, ids, plain, hashes, IMPERSONAL_PROOF_KEYS, respelled.map((r) => r.id), respelled.map((r) => JSON.stringify(r.respelled.map(hashed)))],
  );
}
