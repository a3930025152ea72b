import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { conflict, ErrorCodes, invalid, notFound } from '../common/domain-error';
import { spelledCommChannel, updatedCommChannels } from './comm-channels';
import { CustomerIdentifier } from './customer-identifier.entity';
import { CustomerIdentitiesService } from './customer-identities.service';
import { CustomerMergeService, readAgainIfMerged } from './customer-merge.service';
import { CommChannel, CustomerProfile } from './customer-profile.entity';
import { IdentifierValue, ResolvedCustomer } from './customer-references';
import { Customer } from './customer.entity';
import { CustomersService } from './customers.service';
import { normalizeIdentifierValue } from './identifier-value';

export const LOYALTY = 'loyalty';

/** What an update may change in one source's profile, and on the customer. */
export interface CustomerUpdate {
  /** The profile to change: the customer's in this source and account. */
  source: string;
  accountId: string;
  firstName?: string;
  lastName?: string;
  /** Merged into the held fields: a key sent replaces the one held. */
  fields?: Record<string, unknown>;
  commChannels?: CommChannel[];
  /** Only non_loyalty to loyalty: a loyalty customer stays one. */
  loyaltyType?: string;
  extendedFields?: Record<string, unknown>;
  /** Identifiers the caller sent along: never changed here, only checked against the profile's. */
  identifiers?: IdentifierValue[];
}

export interface CustomerUpdateResult extends ResolvedCustomer {
  /** Identifiers sent that the profile does not hold: an update cannot add them. */
  identifiersNotHeld: IdentifierValue[];
}

/**
 * Changes a customer's profile in one source (names, custom fields, comm channels) and its
 * customer-level details (loyalty type, extended fields). Identifiers and the source are not
 * changed here: identifiers have their own command (changeIdentifiers), which may merge.
 */
@Injectable()
export class CustomerUpdateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identities: CustomerIdentitiesService,
    private readonly merges: CustomerMergeService,
    private readonly customers: CustomersService,
  ) {}

  /** Given a merged customer's id, updates the survivor it was merged into (and says so: `mergedInto`). */
  async update(actor: ActorContext, customerId: number, update: CustomerUpdate): Promise<CustomerUpdateResult> {
    const { orgId, phoneRegion } = actor;
    const identifiers = (update.identifiers ?? []).map((i) => ({ type: i.type, value: normalizeIdentifierValue(i.type, i.value, phoneRegion) }));
    const commChannels = update.commChannels?.map((c) => spelledCommChannel(c, phoneRegion));
    const outcome = await this.merges.transaction(async (manager) => {
      const current = await this.identities.current(orgId, customerId);
      const customer = (await this.merges.lockCustomers(manager, orgId, [current.customerId]).catch(readAgainIfMerged)).get(current.customerId)!;
      if (customer.loyaltyType === LOYALTY && update.loyaltyType !== undefined && update.loyaltyType !== LOYALTY) {
        throw invalid(ErrorCodes.LOYALTY_DOWNGRADE, 'A loyalty customer cannot be converted to a non-loyalty customer');
      }
      const profile = await manager.findOneBy(CustomerProfile, { orgId, customerId: customer.id, source: update.source, accountId: update.accountId });
      if (!profile) throw notFound(ErrorCodes.CUSTOMER_NOT_IN_SOURCE, 'No customer found in the given source with the given identifier');
      const identifiersNotHeld = await this.checkIdentifiers(manager, profile, identifiers);

      if (update.firstName !== undefined) profile.firstName = update.firstName;
      if (update.lastName !== undefined) profile.lastName = update.lastName;
      if (update.fields) profile.fields = { ...profile.fields, ...update.fields };
      if (commChannels) {
        await this.customers.suppressAttachedAddresses(manager, orgId, customer.id, commChannels.map((c) => c.value));
        profile.commChannels = updatedCommChannels(profile.commChannels, commChannels);
      }
      profile.modifiedBy = actor.apiKeyId;
      // Saved even when nothing else changed: the update is recorded (who, when) in the attribution.
      profile.updatedAt = new Date();
      await manager.save(profile);

      if (update.loyaltyType !== undefined) customer.loyaltyType = update.loyaltyType;
      if (update.extendedFields) customer.extendedFields = { ...customer.extendedFields, ...update.extendedFields };
      customer.updatedAt = new Date();
      await manager.save(customer);
      return { ...current, identifiersNotHeld, eventIds: [] as string[] };
    });
    const { eventIds: _, ...result } = outcome;
    return result;
  }

  /**
   * The sent identifiers the profile does not hold. One that another customer holds in this
   * source and account names a different profile: the update is refused, as it would be
   * ambiguous which customer the caller means.
   */
  private async checkIdentifiers(manager: EntityManager, profile: CustomerProfile, identifiers: IdentifierValue[]): Promise<IdentifierValue[]> {
    if (identifiers.length === 0) return [];
    const { orgId, source, accountId } = profile;
    const held = await manager.find(CustomerIdentifier, {
      where: identifiers.map((i) => ({ orgId, source, accountId, type: i.type, value: i.value })),
    });
    const elsewhere = held.find((h) => h.customerId !== profile.customerId);
    if (elsewhere) {
      throw conflict(
        ErrorCodes.PROFILE_CONFLICT,
        `Update failed. Different profiles are identified in the same source: ${elsewhere.type} ${elsewhere.value} belongs to another customer`,
      );
    }
    return identifiers.filter((i) => !held.some((h) => h.type === i.type && h.value === i.value));
  }
}
