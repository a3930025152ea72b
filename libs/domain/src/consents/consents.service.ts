import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';
import { ErrorCodes, notFound } from '../common/domain-error';
import { consentEventType } from '../events/event-catalogue';
import { EventNotifier } from '../events/event-notifier';
import { NewEvent } from '../events/outbox';
import { CustomerIdentity, CustomersService } from '../customers/customers.service';
import { ConsentLedgerEntry } from './consent-ledger-entry.entity';
import { ConsentKey, consentKeyString } from './consent-key';
import { Consent } from './consent.entity';
import { lockCustomerConsents, readConsentSnapshot, Sql, versionStill, writeConsentChanges } from './consent-store';
import { poolQuery } from '../common/raw-client';
import { normalizeAddress } from './contact-address';

export interface ConsentChange extends ConsentKey {
  status: ConsentStatus;
  /**
   * true: when a record exists its status is kept and `status` only applies to a new record
   * (Altcraft's omitted status: "pass it only when you need to update the status").
   */
  keepRecordedStatus?: boolean;
  /** What kind of address `address` is, when the caller says (WM's selection type). */
  addressType?: string | null;
  orgUnitId?: string | null;
  sourceName?: string | null;
}

/** A consent record as it stood before a command. */
export interface RecordedState extends ConsentKey {
  status: ConsentStatus;
}

/** One request's worth of consent changes for one customer, with why and on whose behalf. */
export interface ConsentCommand {
  customerId: number;
  changes: ConsentChange[];
  reason?: string | null;
  campaignId?: string | null;
  campaignName?: string | null;
  communicationId?: string | null;
  /** A person or system named by the caller, beyond the API key. */
  actorName?: string | null;
  proof?: Record<string, unknown> | null;
  /** false writes state and ledger but emits no event (Altcraft's skip_triggers). */
  emitEvents?: boolean;
  /**
   * true: a key without a record gets one (with its ledger row and event) even when the status
   * asked for is the implicit default, so the subscription exists from then on (Altcraft, WM).
   * false (the default): a missing record counts as the implicit default (Capillary's rule).
   */
  createMissing?: boolean;
  occurredAt?: Date;
}

export interface AppliedChange {
  index: number;
  change: ConsentChange;
  /** null when no record existed (the implicit default applied). */
  previousStatus: ConsentStatus | null;
  ledgerId: number;
  eventId: string | null;
}

export interface ConsentOutcome {
  applied: AppliedChange[];
  /** Items that asked for the state the customer already had: no ledger row, no event. */
  unchanged: Array<{ index: number; change: ConsentChange; previousStatus: ConsentStatus | null }>;
  /** Every record of the customer as it stood before the command (the state it was applied to). */
  before: RecordedState[];
}

/** A customer named by an identifier in a source and account, rather than by optline's id. */
export interface IdentifiedCommand extends Omit<ConsentCommand, 'customerId'> {
  identity: CustomerIdentity;
}

export interface IdentifiedOutcome extends ConsentOutcome {
  customerId: number;
  /** true when no customer had the identifier: one was created for it. */
  customerCreated: boolean;
}

/** Lost races before a write takes the customer's row lock instead of retrying. */
const OPTIMISTIC_ATTEMPTS = 5;

@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: EventNotifier,
    private readonly customers: CustomersService,
  ) {}

  /**
   * Applies a command atomically (state, ledger and outbox in one statement), then tells the
   * notifier. Concurrent requests for one customer are ordered by the customer's consent version
   * (optimistic, then the row lock): each applies to the state the previous one left, so no update
   * is lost and the ledger never disagrees with the state.
   */
  async apply(actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome> {
    const outcome = (await this.applyOptimistically(actor, command)) ?? (await this.applyLocked(actor, command));
    await this.notifier.eventsCommitted(outcome.applied.flatMap((a) => (a.eventId ? [a.eventId] : [])));
    return outcome;
  }

  /**
   * The write path's fast way: read the state, decide, and write it in one statement that applies
   * only if nobody wrote in between (two round trips, no transaction block). A concurrent write
   * makes it read and decide again; after OPTIMISTIC_ATTEMPTS lost races it gives way (null) to the
   * locking way, so a hot customer still makes progress.
   */
  private async applyOptimistically(actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome | null> {
    const sql: Sql = { query: poolQuery(this.dataSource) };
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const snapshot = await readConsentSnapshot(sql, actor.orgId, command.customerId);
      if (!snapshot) throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
      const outcome = await this.applyToState(sql, actor, command, snapshot.records, snapshot.version);
      if (outcome !== 'conflict') return outcome;
    }
    return null;
  }

  /** The customer row locked for the whole decision: always makes progress, costs a transaction. */
  private applyLocked(actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome> {
    return this.dataSource.transaction((manager) => this.applyInTransaction(manager, actor, command));
  }

  /**
   * The same for a customer named by an identifier; an unknown identifier creates the customer,
   * in the same transaction, so a rejected command leaves no customer behind. Two first requests
   * racing for one identifier: the loser's insert conflicts, and it retries and finds the winner.
   */
  async applyToIdentified(actor: ActorContext, command: IdentifiedCommand): Promise<IdentifiedOutcome> {
    const { identity, ...rest } = command;
    const run = () =>
      this.dataSource.transaction(async (manager) => {
        const found = await this.customers.findOrCreateByIdentity(manager, actor.orgId, identity);
        const outcome = await this.applyInTransaction(manager, actor, { ...rest, customerId: found.customerId });
        return { ...outcome, customerId: found.customerId, customerCreated: found.created };
      });
    let outcome: IdentifiedOutcome;
    try {
      outcome = await run();
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      outcome = await run();
    }
    await this.notifier.eventsCommitted(outcome.applied.flatMap((a) => (a.eventId ? [a.eventId] : [])));
    return outcome;
  }

  /** The same, inside a caller's transaction; the caller notifies after its commit. */
  async applyInTransaction(manager: EntityManager, actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome> {
    const before: RecordedState[] | null = await lockCustomerConsents(manager, actor.orgId, command.customerId);
    if (!before) throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
    // Only text and values: a manager's third argument means something else.
    const outcome = await this.applyToState({ query: (text, params) => manager.query(text, params) }, actor, command, before, null);
    if (outcome === 'conflict') throw new Error('consent write refused while holding the customer lock');
    return outcome;
  }

  /**
   * Decides what changes against the state `before`, and writes it in one statement; 'conflict'
   * when `expectedVersion` is no longer the customer's (another write came first).
   */
  private async applyToState(
    manager: Sql,
    actor: ActorContext,
    command: ConsentCommand,
    before: RecordedState[],
    expectedVersion: number | null,
  ): Promise<ConsentOutcome | 'conflict'> {
    const current = new Map(before.map((r) => [consentKeyString(r), r.status]));

    const outcome: ConsentOutcome = { applied: [], unchanged: [], before };
    const pending: Array<{ index: number; change: ConsentChange; previousStatus: ConsentStatus | null }> = [];
    command.changes.forEach((asked, index) => {
      const address = normalizeAddress(asked.channel, asked.address);
      const key = consentKeyString({ ...asked, address });
      const previousStatus = current.get(key) ?? null;
      const status = asked.keepRecordedStatus && previousStatus ? previousStatus : asked.status;
      const change = { ...asked, address, status };
      const unchanged =
        previousStatus === null ? !command.createMissing && status === DEFAULT_CONSENT_STATUS : previousStatus === status;
      if (unchanged) {
        outcome.unchanged.push({ index, change, previousStatus });
        return;
      }
      current.set(key, status);
      pending.push({ index, change, previousStatus });
    });
    if (pending.length === 0) {
      // Nothing to write. Still, a writer holding the customer's lock may be about to commit a
      // change this request would have undone: wait for it, and decide again if it moved.
      if (expectedVersion !== null && !(await versionStill(manager, actor.orgId, command.customerId, expectedVersion))) {
        return 'conflict';
      }
      return outcome;
    }

    const occurredAt = command.occurredAt ?? new Date();
    const emit = command.emitEvents !== false;
    const events: NewEvent[] = emit ? pending.map((p) => ({ ...this.eventFor(actor, command, p, occurredAt), id: randomUUID() })) : [];
    const eventIds = events.map((e) => e.id as string);
    const ledgerIds = await writeConsentChanges(
      manager,
      actor,
      {
        customerId: command.customerId,
        actorName: command.actorName ?? null,
        reason: command.reason ?? null,
        campaignId: command.campaignId ?? null,
        communicationId: command.communicationId ?? null,
        proof: command.proof ?? null,
      },
      events,
      pending.map((p, i) => ({
        channel: p.change.channel,
        topic: p.change.topic,
        accountId: p.change.accountId,
        address: p.change.address,
        addressType: p.change.addressType ?? null,
        previousStatus: p.previousStatus,
        status: p.change.status,
        sourceName: p.change.sourceName ?? null,
        orgUnitId: p.change.orgUnitId ?? null,
        eventId: emit ? eventIds[i] : null,
      })),
      expectedVersion,
      occurredAt,
    );
    if (ledgerIds.length === 0) return 'conflict';

    outcome.applied = pending.map((p, i) => ({
      index: p.index,
      change: p.change,
      previousStatus: p.previousStatus,
      ledgerId: ledgerIds[i],
      eventId: emit ? eventIds[i] : null,
    }));
    return outcome;
  }

  /** Every consent record of a customer. */
  async states(orgId: string, customerId: number): Promise<Consent[]> {
    return this.dataSource.getRepository(Consent).find({ where: { orgId, customerId }, order: { id: 'ASC' } });
  }

  /** The ledger of a customer, newest first. */
  async ledger(
    orgId: string,
    customerId: number,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; entries: ConsentLedgerEntry[] }> {
    const [entries, total] = await this.dataSource.getRepository(ConsentLedgerEntry).findAndCount({
      where: { orgId, customerId },
      order: { id: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { total, entries };
  }

  private eventFor(
    actor: ActorContext,
    command: ConsentCommand,
    p: { change: ConsentChange; previousStatus: ConsentStatus | null },
    occurredAt: Date,
  ): NewEvent {
    return {
      orgId: actor.orgId,
      type: consentEventType(p.change.channel, p.change.status),
      customerId: command.customerId,
      channel: p.change.channel,
      campaignId: command.campaignId ?? null,
      campaignName: command.campaignName ?? null,
      recipient: p.change.address || null,
      occurredAt,
      payload: {
        consent: {
          channel: p.change.channel,
          topic: p.change.topic,
          accountId: p.change.accountId,
          address: p.change.address,
          addressType: p.change.addressType ?? null,
          status: p.change.status,
          previousStatus: p.previousStatus ?? DEFAULT_CONSENT_STATUS,
          source: actor.dialect,
          sourceName: p.change.sourceName ?? null,
          reason: command.reason ?? null,
          communicationId: command.communicationId ?? null,
        },
      },
    };
  }

}
