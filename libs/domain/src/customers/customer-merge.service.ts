import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ActorContext } from '../common/actor';
import { ConsentStatus } from '../common/consent-status';
import { conflict, DomainError, ErrorCodes, notFound } from '../common/domain-error';
import { consentKeyString } from '../consents/consent-key';
import { Consent } from '../consents/consent.entity';
import { ConsentChange, ConsentCommand, ConsentsService } from '../consents/consents.service';
import { CUSTOMER_MERGED } from '../events/event-catalogue';
import { EventNotifier } from '../events/event-notifier';
import { insertOutboxEvents } from '../events/outbox';
import { CustomerIdentifier } from './customer-identifier.entity';
import { CommChannel, CustomerProfile } from './customer-profile.entity';
import { Customer } from './customer.entity';
import { sameSource } from './identifier-store';

/** A consent key both customers had a record for, with different statuses. */
export interface ConsentConflict {
  channel: string;
  topic: string;
  accountId: string;
  address: string;
  survivorStatus: ConsentStatus;
  victimStatus: ConsentStatus;
  /** The survivor's status after the merge. */
  result: ConsentStatus;
}

export interface MergeResult {
  survivorId: number;
  victimId: number;
  conflicts: ConsentConflict[];
  /** Consent events and the CUSTOMER_MERGED event: the caller notifies them after its commit. */
  eventIds: string[];
}

/** What a transaction read before taking its customer locks moved meanwhile: run it again. */
export class ReadAgain extends Error {}

/** A customer locked for a change turned out merged meanwhile: the caller's reading is stale. */
export function readAgainIfMerged(error: unknown): never {
  if (error instanceof DomainError && error.code === ErrorCodes.CUSTOMER_ALREADY_MERGED) throw new ReadAgain(error.message);
  throw error;
}

const MERGING_ATTEMPTS = 3;

/**
 * Joins two customers that turned out to be one person. The victim's profiles and identifiers move
 * to the survivor; its consent is replayed onto the survivor as changes that keep every opt-out
 * (see mergeConsent); the victim keeps its own consent rows and ledger, frozen, and points at the
 * survivor (`merged_into`, always one hop).
 */
@Injectable()
export class CustomerMergeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consents: ConsentsService,
    private readonly notifier: EventNotifier,
  ) {}

  /**
   * Runs a change that may merge customers in one transaction, and tells the notifier about its
   * events after the commit. A stale read (ReadAgain) or a lost race for an identifier (unique
   * violation) runs the whole change again on fresh data.
   */
  async transaction<T extends { eventIds: string[] }>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.dataSource.transaction(work);
        await this.notifier.eventsCommitted(result.eventIds);
        return result;
      } catch (error) {
        // 23505: an identifier taken meanwhile; 40P01: a consent write to an old victim met the
        // merge re-pointing it (it locks victim then survivor; the merge, survivor then victims).
        const code = (error as { code?: string }).code;
        const stale = error instanceof ReadAgain || code === '23505' || code === '40P01';
        if (!stale || attempt >= MERGING_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Locks customers in id order, so that two merges into one survivor at once queue up instead of
   * deadlocking, and returns them by id. Unknown ids are a 404, merged ones a conflict naming the
   * survivor.
   */
  async lockCustomers(manager: EntityManager, orgId: string, ids: number[]): Promise<Map<number, Customer>> {
    const wanted = [...new Set(ids)].sort((a, b) => a - b);
    const rows: Array<{ id: string; merged_into: string | null }> = await manager.query(
      'SELECT id, merged_into FROM customers WHERE org_id = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE',
      [orgId, wanted],
    );
    if (rows.length !== wanted.length) throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
    const merged = rows.find((r) => r.merged_into !== null);
    if (merged) {
      throw conflict(ErrorCodes.CUSTOMER_ALREADY_MERGED, `Customer ${merged.id} is already merged with user id ${merged.merged_into}`, {
        customerId: Number(merged.id),
        survivorId: Number(merged.merged_into),
      });
    }
    const customers = await manager.findBy(Customer, { orgId, id: In(wanted) });
    return new Map(customers.map((c) => [c.id, c]));
  }

  /** Merges `victimId` into `survivorId` inside the caller's transaction. */
  async mergeInTransaction(manager: EntityManager, actor: ActorContext, survivorId: number, victimId: number): Promise<MergeResult> {
    if (survivorId === victimId) throw new Error('a customer cannot be merged into itself');
    await this.lockCustomers(manager, actor.orgId, [survivorId, victimId]);
    await moveProfiles(manager, actor.orgId, survivorId, victimId);
    await moveLoyaltyPrograms(manager, actor.orgId, survivorId, victimId);
    const { conflicts, eventIds } = await this.mergeConsent(manager, actor, survivorId, victimId);
    // One hop: whoever was merged into the victim now points at the survivor too.
    await manager.query('UPDATE customers SET merged_into = $3, updated_at = now() WHERE org_id = $1 AND merged_into = $2', [
      actor.orgId,
      victimId,
      survivorId,
    ]);
    await manager.update(Customer, { orgId: actor.orgId, id: victimId }, { mergedInto: survivorId, mergedAt: new Date() });
    const [mergedEventId] = await insertOutboxEvents(manager, [
      {
        orgId: actor.orgId,
        type: CUSTOMER_MERGED,
        customerId: survivorId,
        channel: null,
        payload: { merge: { survivorId, victimId, conflicts } },
        occurredAt: new Date(),
      },
    ]);
    return { survivorId, victimId, conflicts, eventIds: [...eventIds, mergedEventId] };
  }

  /**
   * Every record of the victim becomes one change on the survivor, carrying the time the victim's
   * change happened. The consent service's time rule then gives the merge rule: where either side
   * forbids sending the survivor ends up forbidding it, unless the allowing side is an explicit
   * change that happened later. A victim change older than the survivor's is not even written as
   * superseded (recordSuperseded: false): it is history of the victim, readable in its own ledger.
   */
  private async mergeConsent(
    manager: EntityManager,
    actor: ActorContext,
    survivorId: number,
    victimId: number,
  ): Promise<{ conflicts: ConsentConflict[]; eventIds: string[] }> {
    const victimRecords = await manager.find(Consent, { where: { orgId: actor.orgId, customerId: victimId }, order: { id: 'ASC' } });
    if (victimRecords.length === 0) return { conflicts: [], eventIds: [] };
    const changes: ConsentChange[] = victimRecords.map(({ channel, topic, accountId, address, addressType, status, occurredAt }) => ({
      ...{ channel, topic, accountId, address, addressType, status },
      occurredAt,
    }));
    const command: ConsentCommand = {
      customerId: survivorId,
      changes,
      reason: 'merge',
      proof: { mergedFrom: victimId },
      createMissing: true,
      recordSuperseded: false,
    };
    const outcome = await this.consents.applyInTransaction(manager, actor, command);
    const survivorBefore = new Map(outcome.before.map((r) => [consentKeyString(r), r.status]));
    const appliedKeys = new Set(outcome.applied.map((a) => consentKeyString(a.change)));
    const conflicts = victimRecords.flatMap((r): ConsentConflict[] => {
      const key = consentKeyString(r);
      const survivorStatus = survivorBefore.get(key);
      if (survivorStatus === undefined || survivorStatus === r.status) return [];
      const result = appliedKeys.has(key) ? r.status : survivorStatus;
      const { channel, topic, accountId, address } = r;
      return [{ channel, topic, accountId, address, survivorStatus, victimStatus: r.status, result }];
    });
    return { conflicts, eventIds: outcome.applied.flatMap((a) => (a.eventId ? [a.eventId] : [])) };
  }
}

/**
 * Moves the victim's profiles to the survivor. A profile in a source and account the survivor
 * already has is folded into the survivor's: its identifiers join it, and its fields fill the
 * gaps (the survivor's own values win).
 */
async function moveProfiles(manager: EntityManager, orgId: string, survivorId: number, victimId: number): Promise<void> {
  const profiles = await manager.find(CustomerProfile, { where: { orgId, customerId: In([survivorId, victimId]) }, order: { id: 'ASC' } });
  const survivorProfiles = profiles.filter((p) => p.customerId === survivorId);
  for (const victimProfile of profiles.filter((p) => p.customerId === victimId)) {
    const twin = survivorProfiles.find((p) => sameSource(p, victimProfile));
    if (!twin) {
      await manager.update(CustomerProfile, { id: victimProfile.id }, { customerId: survivorId });
      continue;
    }
    await manager.update(CustomerIdentifier, { orgId, profileId: victimProfile.id }, { profileId: twin.id });
    await manager.save(Object.assign(twin, foldProfile(twin, victimProfile)));
    await manager.delete(CustomerProfile, { id: victimProfile.id });
  }
  await manager.update(CustomerIdentifier, { orgId, customerId: victimId }, { customerId: survivorId });
}

/**
 * The victim's points figures go to the survivor for each program the survivor has none of; for a
 * program both have, the survivor's figures stay (the points engine writes one customer's figures
 * per program and will write the survivor's from now on).
 */
async function moveLoyaltyPrograms(manager: EntityManager, orgId: string, survivorId: number, victimId: number): Promise<void> {
  // A merge run by an older migration comes before the table exists.
  const [{ exists }] = await manager.query("SELECT to_regclass('customer_loyalty_programs') IS NOT NULL AS exists");
  if (!exists) return;
  await manager.query(
    `UPDATE customer_loyalty_programs v SET customer_id = $2
      WHERE v.org_id = $1 AND v.customer_id = $3
        AND NOT EXISTS (SELECT 1 FROM customer_loyalty_programs s WHERE s.org_id = $1 AND s.customer_id = $2 AND s.program_id = v.program_id)`,
    [orgId, survivorId, victimId],
  );
}

function foldProfile(survivor: CustomerProfile, victim: CustomerProfile): Partial<CustomerProfile> {
  const channelKey = (c: CommChannel) => `${c.type}\u0000${c.value}`;
  const known = new Set(survivor.commChannels.map(channelKey));
  return {
    firstName: survivor.firstName ?? victim.firstName,
    lastName: survivor.lastName ?? victim.lastName,
    fields: { ...victim.fields, ...survivor.fields },
    commChannels: [...survivor.commChannels, ...victim.commChannels.filter((c) => !known.has(channelKey(c)))],
  };
}
