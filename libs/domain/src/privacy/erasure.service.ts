import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { Channel } from '../common/channel';
import { allowsSending, ConsentStatus } from '../common/consent-status';
import { PHONE_CHANNELS } from '../consents/contact-address';
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

type RecordRow = { channel: Channel; topic: string; account_id: string; address: string; status: ConsentStatus; occurred_at: Date };

/**
 * One suppression entry per address the person was opted out with: each address-level record that
 * forbids sending, and, for each channel-wide record that forbids (no address: "everything on
 * EMAIL"), each address the person had on that channel, unless that address's own record allows
 * and is newer (the precedence rule lets it through). One entry per key, the latest opt-out's time.
 */
async function suppress(manager: EntityManager, orgId: string, ids: number[], digest: (address: string) => string): Promise<number> {
  const records: RecordRow[] = await manager.query(
    `SELECT channel, topic, account_id, address, status, occurred_at FROM consents
     WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND address NOT LIKE '${ERASED_ADDRESS_PREFIX}%'`,
    [orgId, ids],
  );
  const held = await addressesByChannel(manager, orgId, ids);
  const addressLevel = new Map(records.filter((r) => r.address !== '').map((r) => [suppressionKey(r, r.address), r]));
  const entries = new Map<string, RecordRow>();
  const add = (entry: RecordRow) => {
    const key = suppressionKey(entry, entry.address);
    const known = entries.get(key);
    if (!known || known.occurred_at < entry.occurred_at) entries.set(key, entry);
  };
  for (const r of records.filter((r) => !allowsSending(r.status))) {
    if (r.address !== '') {
      add(r);
      continue;
    }
    for (const address of held.get(r.channel) ?? []) {
      const own = addressLevel.get(suppressionKey(r, address));
      if (own && allowsSending(own.status) && own.occurred_at > r.occurred_at) continue;
      add({ ...r, address });
    }
  }
  const optedOut = [...entries.values()];
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

const suppressionKey = (r: { channel: string; topic: string; account_id: string }, address: string) =>
  JSON.stringify([r.channel, r.topic, r.account_id, address]);

/** Which identifier types are addresses on which channels. */
const CHANNELS_OF_IDENTIFIER: Record<string, readonly Channel[]> = { email: [Channel.EMAIL], mobile: PHONE_CHANNELS };

/**
 * The addresses the person had on each channel: those their consent records and ledger named on
 * it, and their identifiers and profile comm channels that are addresses on it (an email on
 * EMAIL, a mobile on SMS, WhatsApp and voice).
 */
async function addressesByChannel(manager: EntityManager, orgId: string, ids: number[]): Promise<Map<Channel, Set<string>>> {
  const rows: Array<{ kind: string; address: string }> = await manager.query(
    `SELECT channel AS kind, address FROM consents WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND address <> ''
     UNION SELECT channel, address FROM consent_ledger WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND address <> ''
     UNION SELECT type, value FROM customer_identifiers WHERE org_id = $1 AND customer_id = ANY($2::bigint[])
     UNION SELECT lower(c->>'type'), c->>'value' FROM customer_profiles p, jsonb_array_elements(p.comm_channels) AS c
       WHERE p.org_id = $1 AND p.customer_id = ANY($2::bigint[]) AND jsonb_typeof(p.comm_channels) = 'array' AND c->>'value' IS NOT NULL`,
    [orgId, ids],
  );
  const byChannel = new Map<Channel, Set<string>>();
  for (const { kind, address } of rows) {
    if (address === '' || address.startsWith(ERASED_ADDRESS_PREFIX)) continue;
    const channels = CHANNELS_OF_IDENTIFIER[kind] ?? (Object.values(Channel).includes(kind as Channel) ? [kind as Channel] : []);
    for (const channel of channels) byChannel.set(channel, (byChannel.get(channel) ?? new Set()).add(address));
  }
  return byChannel;
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
