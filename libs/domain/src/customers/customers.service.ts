import { Injectable, Optional } from '@nestjs/common';
import { OrgSecretsService } from '../privacy/org-secrets.service';
import { restateSuppressions } from '../privacy/suppressions';
import { lockCustomerConsents } from '../consents/consent-store';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { conflict, ErrorCodes, invalid, notFound } from '../common/domain-error';
import { spelledCommChannel } from './comm-channels';
import { CustomerIdentifier } from './customer-identifier.entity';
import { CommChannel, CustomerProfile } from './customer-profile.entity';
import { isMultiAccountSource } from './customer-sources';
import { Customer } from './customer.entity';
import { normalizeIdentifierValue } from './identifier-value';
import { holdersOf, lockIdentifierValues } from './identifier-store';

export interface NewProfile {
  firstName?: string | null;
  lastName?: string | null;
  fields?: Record<string, unknown>;
  identifiers: Array<{ type: string; value: string }>;
  commChannels?: CommChannel[];
}

export interface RegisterCustomer {
  source: string;
  accountId: string;
  profiles: NewProfile[];
  loyaltyType?: string;
  extendedFields?: Record<string, unknown>;
  /** The API key registering (the profile's attribution); null for optline's own changes. */
  createdBy?: string | null;
}

export interface RegisterResult {
  customerId: number;
  /** True when the profile was tagged onto a customer already known in another source. */
  tagged: boolean;
}

export interface CustomerView {
  customer: Customer;
  profiles: Array<CustomerProfile & { identifiers: Array<{ type: string; value: string }> }>;
}

/** One identifier in one source and account: how a dialect that has no optline id names a customer. */
export interface CustomerIdentity {
  source: string;
  accountId: string;
  type: string;
  value: string;
}

export interface IdentifierQuery {
  /** A source, or 'ALL' for any. */
  source: string;
  accountId: string;
  type: string;
  value: string;
}

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    // Absent in a migration's standalone service: it may run before suppressions exist.
    @Optional() private readonly secrets?: OrgSecretsService,
  ) {}

  /**
   * Registers a customer in a source. An identifier known in another source tags the new profile
   * to that customer (Capillary's merge rule); one already known in this source and account is
   * refused, and identifiers that point at two different customers cannot be merged.
   */
  async register(orgId: string, asked: RegisterCustomer, phoneRegion?: string): Promise<RegisterResult> {
    const profiles = asked.profiles.map((p) => ({
      ...p,
      identifiers: normalized(p.identifiers, phoneRegion),
      commChannels: p.commChannels?.map((c) => spelledCommChannel(c, phoneRegion)),
    }));
    const command = { ...asked, profiles };
    const accountId = isMultiAccountSource(command.source) ? command.accountId : '';
    const identifiers = command.profiles.flatMap((p) => p.identifiers);
    try {
      return await this.dataSource.transaction(async (manager) => {
        // Two registrations of one identifier in different sources at once would both see it
        // unknown and create two customers: serialise them per identifier.
        await lockIdentifierValues(manager, orgId, identifiers);
        const known = await holdersOf(manager, orgId, identifiers);
        const sameSource = known.find((k) => k.source === command.source && k.accountId === accountId);
        if (sameSource) {
          throw conflict(
            ErrorCodes.IDENTIFIER_TAKEN,
            `Identifier ${sameSource.type} ${sameSource.value} is already registered in source ${command.source}`,
          );
        }
        const owners = [...new Set(known.map((k) => k.customerId))];
        if (owners.length > 1) {
          throw conflict(
            ErrorCodes.IDENTIFIERS_SPAN_CUSTOMERS,
            'Each identifier is registered with a different customer in other source. Unable to merge accounts',
          );
        }
        const tagged = owners.length === 1;
        const customer = tagged
          ? await manager.findOneByOrFail(Customer, { orgId, id: owners[0] })
          : await manager.save(
              manager.create(Customer, {
                orgId,
                loyaltyType: command.loyaltyType ?? 'non_loyalty',
                extendedFields: command.extendedFields ?? {},
              }),
            );
        if (tagged) {
          const existing = await manager.findOneBy(CustomerProfile, {
            customerId: customer.id,
            source: command.source,
            accountId,
          });
          if (existing) {
            throw conflict(ErrorCodes.PROFILE_EXISTS, `Customer ${customer.id} already has a ${command.source} profile`);
          }
        }
        const addresses = [...identifiers.map((i) => i.value), ...command.profiles.flatMap((p) => (p.commChannels ?? []).map((c) => c.value))];
        await this.suppressAttachedAddresses(manager, orgId, customer.id, addresses);
        await this.insertProfiles(manager, orgId, customer.id, command.source, accountId, command.profiles, command.createdBy ?? null);
        return { customerId: customer.id, tagged };
      });
    } catch (error) {
      // A concurrent registration took the identifier between our check and our insert.
      if ((error as { code?: string }).code === '23505') {
        throw conflict(ErrorCodes.IDENTIFIER_TAKEN, `An identifier is already registered in source ${command.source}`);
      }
      throw error;
    }
  }

  /** The customer with its profiles, all of them or those of one source (and account). */
  async fetch(orgId: string, customerId: number, source: string, accountId: string): Promise<CustomerView> {
    const customer = await this.requireUnmerged(orgId, customerId);
    const profiles = await this.dataSource.getRepository(CustomerProfile).find({
      where: { orgId, customerId },
      order: { id: 'ASC' },
    });
    const wanted =
      source === 'ALL'
        ? profiles
        : profiles.filter((p) => p.source === source && (!isMultiAccountSource(source) || p.accountId === accountId));
    if (wanted.length === 0) {
      throw notFound(ErrorCodes.CUSTOMER_NOT_IN_SOURCE, 'No customer found in the given source with the given identifier');
    }
    const identifiers = await this.dataSource.getRepository(CustomerIdentifier).find({
      where: { profileId: In(wanted.map((p) => p.id)) },
      order: { id: 'ASC' },
    });
    return {
      customer,
      profiles: wanted.map((p) =>
        Object.assign(p, {
          identifiers: identifiers.filter((i) => i.profileId === p.id).map((i) => ({ type: i.type, value: i.value })),
        }),
      ),
    };
  }

  /** The customer id an identifier belongs to, in one source or any. */
  async lookup(orgId: string, asked: IdentifierQuery, phoneRegion?: string): Promise<number> {
    const query = { ...asked, value: normalizeIdentifierValue(asked.type, asked.value, phoneRegion) };
    const rows = await this.dataSource.getRepository(CustomerIdentifier).find({
      where: { orgId, type: query.type, value: query.value },
      order: { id: 'ASC' },
    });
    if (rows.length === 0) {
      throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
    }
    if (query.source === 'ALL') return rows[0].customerId;
    const inSource = rows.find(
      (r) => r.source === query.source && (!isMultiAccountSource(query.source) || r.accountId === query.accountId),
    );
    if (!inSource) {
      throw notFound(ErrorCodes.CUSTOMER_NOT_IN_SOURCE, 'No customer found in the given source with the given identifier');
    }
    return inSource.customerId;
  }

  /**
   * The customer holding this identifier in this source and account, or a new customer with one
   * profile holding just it, inside the caller's transaction. A concurrent creation of the same
   * identifier makes the insert fail with a unique violation (23505); the caller retries.
   */
  async findOrCreateByIdentity(
    manager: EntityManager,
    orgId: string,
    identity: CustomerIdentity,
    phoneRegion?: string,
  ): Promise<{ customerId: number; created: boolean }> {
    const { source, accountId, type } = identity;
    const value = normalizeIdentifierValue(type, identity.value, phoneRegion);
    const known = await manager.findOneBy(CustomerIdentifier, { orgId, source, accountId, type, value });
    if (known) return { customerId: known.customerId, created: false };
    const customer = await manager.save(manager.create(Customer, { orgId }));
    await this.insertProfiles(manager, orgId, customer.id, source, accountId, [{ identifiers: [{ type, value }] }]);
    return { customerId: customer.id, created: true };
  }

  /**
   * The customer, refusing one merged into another (CUSTOMER_MERGED, naming the survivor): for a
   * read, its frozen records would not be the person's consent any more.
   */
  async requireUnmerged(orgId: string, customerId: number): Promise<Customer> {
    const customer = await this.requireCustomer(orgId, customerId);
    if (customer.mergedInto !== null) {
      throw notFound(ErrorCodes.CUSTOMER_MERGED, `The customer is merged into another account with user id ${customer.mergedInto}`, {
        survivorId: customer.mergedInto,
      });
    }
    return customer;
  }

  async requireCustomer(orgId: string, customerId: number): Promise<Customer> {
    if (!Number.isSafeInteger(customerId) || customerId <= 0) {
      throw invalid(ErrorCodes.CUSTOMER_NOT_FOUND, 'Customer id is invalid');
    }
    const customer = await this.dataSource.getRepository(Customer).findOneBy({ orgId, id: customerId });
    // An erased person is unknown from then on, as if never registered.
    if (!customer || customer.erasedAt !== null) throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
    return customer;
  }

  /**
   * Every path that gives a customer an address (a registration, a profile tagged onto a known
   * customer, an added identifier or comm channel) calls this in its transaction, before the
   * address is stored: where an erased person had opted out with that address, the customer starts
   * from that opt-out (see restateSuppressions: a system ledger row per suppressed key it has no
   * record of, reason SUPPRESSED_REASON). Takes the customer's consent lock; one indexed read of
   * the suppressions when none applies.
   */
  async suppressAttachedAddresses(manager: EntityManager, orgId: string, customerId: number, addresses: string[]): Promise<void> {
    if (!this.secrets || !addresses.some((a) => a !== '')) return;
    const locked = await lockCustomerConsents(manager, orgId, customerId);
    if (!locked) return;
    const digest = await this.secrets.addressDigester(orgId);
    const sql = { query: (text: string, params?: unknown[]) => manager.query(text, params) };
    await restateSuppressions(sql, orgId, locked.customerId, addresses, digest, locked.records, null);
  }

  private async insertProfiles(
    manager: EntityManager,
    orgId: string,
    customerId: number,
    source: string,
    accountId: string,
    profiles: NewProfile[],
    createdBy: string | null = null,
  ): Promise<void> {
    // Several profiles in one request for one source are one profile: merge them.
    const merged: NewProfile = {
      firstName: profiles.find((p) => p.firstName)?.firstName ?? null,
      lastName: profiles.find((p) => p.lastName)?.lastName ?? null,
      fields: Object.assign({}, ...profiles.map((p) => p.fields ?? {})),
      identifiers: profiles.flatMap((p) => p.identifiers),
      commChannels: profiles.flatMap((p) => p.commChannels ?? []),
    };
    const profile = await manager.save(
      manager.create(CustomerProfile, {
        orgId,
        customerId,
        source,
        accountId,
        firstName: merged.firstName ?? null,
        lastName: merged.lastName ?? null,
        fields: merged.fields ?? {},
        commChannels: merged.commChannels ?? [],
        createdBy,
        modifiedBy: createdBy,
      }),
    );
    if (merged.identifiers.length) {
      await manager.insert(
        CustomerIdentifier,
        merged.identifiers.map((i) => ({ orgId, customerId, profileId: profile.id, source, accountId, type: i.type, value: i.value })),
      );
    }
  }
}

/** Identifiers in their one spelling, as every write and lookup compares them; two spellings of one are one. */
function normalized(identifiers: NewProfile['identifiers'], phoneRegion?: string): NewProfile['identifiers'] {
  const respelled = identifiers.map((i) => ({ ...i, value: normalizeIdentifierValue(i.type, i.value, phoneRegion) }));
  return [...new Map(respelled.map((i) => [`${i.type}:${i.value}`, i])).values()];
}
