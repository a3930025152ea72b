import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { conflict, ErrorCodes, notFound } from '../common/domain-error';
import { CustomerIdentifier } from './customer-identifier.entity';
import { IdentifierValue, ResolvedCustomer, resolvedCustomer } from './customer-references';
import { ConsentConflict, CustomerMergeService, readAgainIfMerged } from './customer-merge.service';
import { CustomersService } from './customers.service';
import { normalizeIdentifierValue } from './identifier-value';
import {
  addIdentifiers,
  holdersOf,
  lockIdentifierValues,
  sameIdentifier,
  sameSource,
  SourcedIdentifier,
} from './identifier-store';

export interface AttachResult extends ResolvedCustomer {
  identity: SourcedIdentifier;
  /** true when the customer held this identity already: nothing changed. */
  alreadyHeld: boolean;
  /** The customers that held it and were merged into this one. */
  merged: Array<{ customerId: number; conflicts: ConsentConflict[] }>;
  eventIds: string[];
}

/** Capillary's changeIdentifier: identifiers to add and remove in one source and account. */
export interface IdentifierChange {
  source: string;
  accountId: string;
  add: IdentifierValue[];
  remove: IdentifierValue[];
}

export interface IdentifierChangeResult {
  /** The customer that holds the added identifiers: the survivor when a merge happened. */
  customerId: number;
  mergedInto: number | null;
  eventIds: string[];
}

/**
 * The identities of a customer (identifiers in a source and account) and the changes that join two
 * customers: attaching an identity another customer holds, or adding an identifier another
 * customer holds in another source. Both merge; they differ in who survives.
 */
@Injectable()
export class CustomerIdentitiesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly merges: CustomerMergeService,
  ) {}

  /** The customer an id names now: itself, or the survivor it was merged into. */
  async current(orgId: string, customerId: number): Promise<ResolvedCustomer> {
    const customer = await this.customers.requireCustomer(orgId, customerId);
    return resolvedCustomer(customer.id, customer.mergedInto);
  }

  async list(orgId: string, customerId: number): Promise<SourcedIdentifier[]> {
    const rows = await this.dataSource.getRepository(CustomerIdentifier).find({ where: { orgId, customerId }, order: { id: 'ASC' } });
    return rows.map(({ source, accountId, type, value }) => ({ source, accountId, type, value }));
  }

  /**
   * Attaches an identity to a customer. Whoever else holds it is merged INTO this customer: the
   * caller names the person, the identity only proves the other record is the same person.
   * `acrossSources`: the same type and value in any source counts as held (Capillary's
   * identifiers name a person wherever they were registered); otherwise only the exact identity.
   * Given a merged customer, acts on its survivor (and says so: `mergedInto`).
   */
  async attach(actor: ActorContext, customerId: number, asked: SourcedIdentifier, acrossSources: boolean): Promise<AttachResult> {
    const orgId = actor.orgId;
    const identity = spelled(asked, actor.phoneRegion);
    return this.merges.transaction(async (manager) => {
      // Read on every attempt: a retry after a concurrent merge must act on the new survivor.
      const current = await this.current(orgId, customerId);
      const target = current.customerId;
      await lockIdentifierValues(manager, orgId, [identity]);
      const holders = (await holdersOf(manager, orgId, [identity])).filter((h) => acrossSources || sameSource(h, identity));
      const others = [...new Set(holders.map((h) => h.customerId).filter((id) => id !== target))];
      await this.merges.lockCustomers(manager, orgId, [target, ...others]).catch(readAgainIfMerged);
      const merges = [];
      for (const victimId of others) merges.push(await this.merges.mergeInTransaction(manager, actor, target, victimId));
      // A victim that held the exact identity brought it along.
      if (!holders.some((h) => sameIdentifier(h, identity))) {
        await this.customers.suppressAttachedAddresses(manager, orgId, target, [identity.value]);
        await addIdentifiers(manager, orgId, target, identity, [identity]);
      }
      return {
        ...current,
        identity,
        alreadyHeld: holders.some((h) => h.customerId === target && sameIdentifier(h, identity)),
        merged: merges.map((m) => ({ customerId: m.victimId, conflicts: m.conflicts })),
        eventIds: merges.flatMap((m) => m.eventIds),
      };
    });
  }

  async detach(actor: ActorContext, customerId: number, identity: SourcedIdentifier): Promise<void> {
    const orgId = actor.orgId;
    const { source, accountId, type, value } = spelled(identity, actor.phoneRegion);
    const result = await this.dataSource.getRepository(CustomerIdentifier).delete({ orgId, customerId, source, accountId, type, value });
    if (!result.affected) {
      throw notFound(ErrorCodes.IDENTIFIER_NOT_HELD, `Customer ${customerId} has no ${type} ${value} in source ${source}`);
    }
  }

  /**
   * Adds and removes identifiers in one source and account (Capillary's changeIdentifier). An
   * added identifier held in the same source and account is refused; one held by another customer
   * in another source merges THIS customer (the victim) into that one (the survivor), and the
   * identifiers are then added to the survivor.
   */
  async changeIdentifiers(actor: ActorContext, customerId: number, change: IdentifierChange): Promise<IdentifierChangeResult> {
    const orgId = actor.orgId;
    const where = { source: change.source, accountId: change.accountId };
    const add = uniqueValues(change.add.map((i) => spelled(i, actor.phoneRegion)));
    const remove = change.remove.map((i) => spelled(i, actor.phoneRegion));
    return this.merges.transaction(async (manager) => {
      const customer = await this.customers.requireCustomer(orgId, customerId);
      if (customer.mergedInto !== null) {
        throw conflict(
          ErrorCodes.CUSTOMER_ALREADY_MERGED,
          `Same identifier is registered on other source. The account is already merged with user id ${customer.mergedInto}`,
          { survivorId: customer.mergedInto },
        );
      }
      await lockIdentifierValues(manager, orgId, [...add, ...remove]);
      const holders = await holdersOf(manager, orgId, add);
      refuseHeldInSameSource(holders, customerId, add.map((i) => ({ ...where, ...i })));
      const owners = [...new Set(holders.map((h) => h.customerId).filter((id) => id !== customerId))];
      if (owners.length > 1) {
        throw conflict(
          ErrorCodes.IDENTIFIERS_SPAN_CUSTOMERS,
          'Each identifier is registered with a different customer in other source. Unable to merge accounts',
        );
      }
      const removed = await heldOrRefuse(manager, orgId, customerId, remove.map((i) => ({ ...where, ...i })));
      await this.merges.lockCustomers(manager, orgId, [customerId, ...owners]).catch(readAgainIfMerged);
      if (removed.length) await manager.delete(CustomerIdentifier, removed.map((r) => r.id));
      const survivorId = owners[0] ?? null;
      const merge = survivorId === null ? null : await this.merges.mergeInTransaction(manager, actor, survivorId, customerId);
      await this.customers.suppressAttachedAddresses(manager, orgId, survivorId ?? customerId, add.map((i) => i.value));
      await addIdentifiers(manager, orgId, survivorId ?? customerId, where, add);
      return { customerId: survivorId ?? customerId, mergedInto: survivorId, eventIds: merge?.eventIds ?? [] };
    });
  }
}

/** The identifier in the one spelling it is stored and looked up in (E.164 mobiles, lower-case emails). */
const spelled = <T extends IdentifierValue>(identifier: T, phoneRegion: string | undefined): T => ({
  ...identifier,
  value: normalizeIdentifierValue(identifier.type, identifier.value, phoneRegion),
});

function uniqueValues(values: IdentifierValue[]): IdentifierValue[] {
  const seen = new Map(values.map((v) => [`${v.type}\u0000${v.value}`, v]));
  return [...seen.values()];
}

/** Identifiers are unique within a source (and account): taken there is taken, by anyone. */
function refuseHeldInSameSource(holders: CustomerIdentifier[], customerId: number, wanted: SourcedIdentifier[]): void {
  for (const identifier of wanted) {
    const holder = holders.find((h) => sameIdentifier(h, identifier));
    if (!holder) continue;
    if (holder.customerId === customerId) {
      throw conflict(ErrorCodes.IDENTIFIER_ALREADY_HELD, `The new identifier ${identifier.type} ${identifier.value} already exists in the same source`);
    }
    throw conflict(
      ErrorCodes.IDENTIFIER_TAKEN,
      `Unable to update. The identifier ${identifier.type} ${identifier.value} is already registered in the same source`,
    );
  }
}

/** The customer's rows for these identifiers; one it does not hold refuses the whole change. */
async function heldOrRefuse(
  manager: EntityManager,
  orgId: string,
  customerId: number,
  wanted: SourcedIdentifier[],
): Promise<CustomerIdentifier[]> {
  if (wanted.length === 0) return [];
  const rows = await manager.find(CustomerIdentifier, { where: wanted.map((w) => ({ orgId, customerId, ...w })) });
  const missing = wanted.find((w) => !rows.some((r) => sameIdentifier(r, w)));
  if (missing) {
    throw notFound(ErrorCodes.IDENTIFIER_NOT_HELD, `Identifier ${missing.type} ${missing.value} is not registered for the customer in source ${missing.source}`);
  }
  return rows;
}
