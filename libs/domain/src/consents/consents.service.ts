import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActorContext } from '../common/actor';
import { ConsentStatus, DEFAULT_CONSENT_STATUS } from '../common/consent-status';
import { ErrorCodes, notFound } from '../common/domain-error';
import { retryOnDeadlock } from '../common/pg-errors';
import { poolQuery } from '../common/raw-client';
import { consentEventType } from '../events/event-catalogue';
import { EventNotifier } from '../events/event-notifier';
import { NewEvent } from '../events/outbox';
import { CustomerIdentity, CustomersService } from '../customers/customers.service';
import { ConsentKey } from './consent-key';
import { ConsentChange, ConsentPlan, PlannedChange, PlannedWrite, planChanges } from './consent-plan';
import { CustomerWrite, LedgerRow, lockCustomerConsents, Sql, StoredConsent, versionStill, writeConsentChanges } from './consent-store';
import { ConsentWriteBatch } from './consent-write-batch';
import { effectiveTime, TimedStatus } from './consent-timeline';
import { Consent } from './consent.entity';
import { consentKeyString } from './consent-key';
import { normalizeAddress } from './contact-address';
import { OrgSecretsService } from '../privacy/org-secrets.service';
import { PersonLinksService } from '../privacy/person-links.service';
import { restateSuppressions } from '../privacy/suppressions';

export type { ConsentChange, PlannedChange } from './consent-plan';

/** A consent record as it stood before a command. */
export interface RecordedState extends ConsentKey {
  status: ConsentStatus;
  occurredAt: Date;
}

/** One request's worth of consent changes for one customer, with why and on whose behalf. */
export interface ConsentCommand {
  /** A merged customer's id acts on its survivor (the outcome says so). */
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
  /** When the changes happened, for those that do not say; otherwise when the request arrived. */
  occurredAt?: Date;
  /** false: a change older than the state is not written at all (a merge copies only what counts). */
  recordSuperseded?: boolean;
}

export interface AppliedChange {
  index: number;
  change: PlannedChange;
  /** null when no record existed (the implicit default applied). */
  previousStatus: ConsentStatus | null;
  ledgerId: number;
  eventId: string | null;
}

export interface UnchangedChange {
  index: number;
  change: PlannedChange;
  previousStatus: ConsentStatus | null;
  /** A later repeat of an opt-out is recorded (its time counts); any other repeat writes nothing. */
  ledgerId: number | null;
}

export interface SupersededChange {
  index: number;
  change: PlannedChange;
  /** The state that stays: its status and when the change that set it happened. */
  current: TimedStatus;
  /** The ledger row that records it as superseded; null when the command does not record them. */
  ledgerId: number | null;
}

export interface ConsentOutcome {
  /** The customer whose consent it is: the survivor when the id given was merged into it. */
  customerId: number;
  /** The id given, when it was a merged customer's; null otherwise. */
  mergedFrom: number | null;
  applied: AppliedChange[];
  /** Items that asked for what the key already said: no change, no event. */
  unchanged: UnchangedChange[];
  /** Items that happened before the change that set the key's state: kept in the ledger only. */
  superseded: SupersededChange[];
  /** Every record of the customer as it stood before the command (the state it was applied to). */
  before: RecordedState[];
}

/** A customer named by an identifier in a source and account, rather than by optline's id. */
export interface IdentifiedCommand extends Omit<ConsentCommand, 'customerId'> {
  identity: CustomerIdentity;
}

export interface IdentifiedOutcome extends ConsentOutcome {
  /** true when no customer had the identifier: one was created for it. */
  customerCreated: boolean;
}

/** Lost races before a write takes the customer's row lock instead of retrying. */
const OPTIMISTIC_ATTEMPTS = 5;

const eventIdsOf = (outcome: ConsentOutcome) => outcome.applied.flatMap((a) => (a.eventId ? [a.eventId] : []));

/**
 * The one way consent changes: decide against the customer's current state (consent-plan), then
 * write ledger, state and events together (consent-store), then tell the notifier.
 */
@Injectable()
export class ConsentsService {
  /** Statements on any pooled connection, each its own implicit transaction (the optimistic path's). */
  private readonly pool: Sql;
  /** The optimistic reads and writes of concurrent requests, one statement a turn of the event loop each. */
  private readonly optimistic: ConsentWriteBatch;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: EventNotifier,
    private readonly customers: CustomersService,
    // Absent in a migration's standalone service: it may run before suppressions exist.
    @Optional() private readonly secrets?: OrgSecretsService,
    // Absent there too: a migration never asks for a confirmation.
    @Optional() private readonly links?: PersonLinksService,
  ) {
    this.pool = { query: poolQuery(this.dataSource) };
    this.optimistic = new ConsentWriteBatch(this.pool);
  }

  /**
   * Applies a command atomically. Concurrent requests for one customer are ordered by the
   * customer's consent version (optimistic, then the row lock): each applies to the state the
   * previous one left, so no update is lost and the ledger never disagrees with the state.
   */
  async apply(actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome> {
    const outcome = (await this.applyOptimistically(actor, command)) ?? (await this.applyLocked(actor, command));
    await this.notifier.eventsCommitted(eventIdsOf(outcome));
    return outcome;
  }

  /**
   * The same for a customer named by an identifier; an unknown identifier creates the customer,
   * in the same transaction, so a rejected command leaves no customer behind. Two first requests
   * racing for one identifier: the loser's insert conflicts, and it retries and finds the winner.
   */
  async applyToIdentified(actor: ActorContext, command: IdentifiedCommand): Promise<IdentifiedOutcome> {
    const { identity, ...rest } = command;
    const inTransaction = async (manager: EntityManager): Promise<IdentifiedOutcome> => {
      const found = await this.customers.findOrCreateByIdentity(manager, actor.orgId, identity, actor.phoneRegion);
      const outcome = await this.applyInTransaction(manager, actor, { ...rest, customerId: found.customerId });
      return { ...outcome, customerCreated: found.created };
    };
    const run = () => retryOnDeadlock(() => this.dataSource.transaction(inTransaction));
    let outcome: IdentifiedOutcome;
    try {
      outcome = await run();
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      outcome = await run();
    }
    await this.notifier.eventsCommitted(eventIdsOf(outcome));
    return outcome;
  }

  /** The same, inside a caller's transaction (which takes the customer's lock); the caller notifies after its commit. */
  async applyInTransaction(manager: EntityManager, actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome> {
    const locked = await lockCustomerConsents(manager, actor.orgId, command.customerId);
    if (!locked) throw customerNotFound();
    // Only text and values: a manager's third argument means something else.
    const sql: Sql = { query: (text, params) => manager.query(text, params) };
    const writeAlone = (write: CustomerWrite) => writeConsentChanges(sql, [write]).then(([ids]) => ids);
    const outcome = await this.applyToState(sql, writeAlone, actor, command, locked.customerId, locked.records, null);
    if (outcome === 'conflict') throw new Error('consent write refused while holding the customer lock');
    return outcome;
  }

  /**
   * The write path's fast way: read the state, decide, and write it in one statement that applies
   * only if nobody wrote in between (two round trips, no transaction block; the read and the write
   * share their statements with those of concurrent requests). A concurrent write makes it read and
   * decide again; after OPTIMISTIC_ATTEMPTS lost races it gives way (null) to the locking way, so a
   * hot customer still makes progress.
   */
  private async applyOptimistically(actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome | null> {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const snapshot = await this.optimistic.read(actor.orgId, command.customerId);
      if (!snapshot) throw customerNotFound();
      const outcome = await this.applyToState(
        this.pool,
        (write) => this.optimistic.write(write),
        actor,
        command,
        snapshot.customerId,
        snapshot.records,
        snapshot.version,
      );
      if (outcome !== 'conflict') return outcome;
    }
    return null;
  }

  /** The customer row locked for the whole decision: always makes progress, costs a transaction. */
  private applyLocked(actor: ActorContext, command: ConsentCommand): Promise<ConsentOutcome> {
    return retryOnDeadlock(() => this.dataSource.transaction((manager) => this.applyInTransaction(manager, actor, command)));
  }

  /**
   * Plans the command against the state `before` of customer `customerId`, and writes it with
   * `write` (one statement); 'conflict' when `expectedVersion` is no longer the customer's (another
   * write came first).
   */
  private async applyToState(
    sql: Sql,
    write: (write: CustomerWrite) => Promise<number[]>,
    actor: ActorContext,
    command: ConsentCommand,
    customerId: number,
    recorded: StoredConsent[],
    versionRead: number | null,
  ): Promise<ConsentOutcome | 'conflict'> {
    const start = await this.startFromSuppressions(sql, actor, command, customerId, recorded, versionRead);
    if (!start) return 'conflict';
    const { before, expectedVersion } = start;
    const receivedAt = new Date();
    const plan = planChanges(
      before,
      command.changes.map((c) => (c.occurredAt ? { ...c, occurredAt: effectiveTime(c.occurredAt, receivedAt) } : c)),
      {
        occurredAt: effectiveTime(command.occurredAt, receivedAt),
        createMissing: command.createMissing ?? false,
        phoneRegion: actor.phoneRegion,
      },
    );
    const writes = command.recordSuperseded === false ? plan.writes.filter((w) => w.verdict !== 'superseded') : plan.writes;
    const context = { customerId, mergedFrom: customerId === command.customerId ? null : command.customerId, before };
    if (writes.length === 0) {
      // Nothing to write. Still, a writer holding the customer's lock may be about to commit a
      // change this request would have undone: wait for it, and decide again if it moved.
      if (expectedVersion !== null && !(await versionStill(sql, actor.orgId, customerId, expectedVersion))) return 'conflict';
      return outcomeOf(plan, new Map(), context);
    }

    const emit = command.emitEvents !== false;
    const eventIds = writes.map((w) => (emit && w.verdict === 'apply' ? randomUUID() : null));
    const confirmUrls = await this.confirmUrlsFor(actor, customerId, writes, eventIds);
    const events = writes.flatMap((w, i) =>
      eventIds[i] ? [this.eventFor(actor, command, customerId, w, eventIds[i]!, confirmUrls[i])] : [],
    );
    const ledgerIds = await write({
      actor,
      context: {
        customerId,
        actorName: command.actorName ?? null,
        reason: command.reason ?? null,
        campaignId: command.campaignId ?? null,
        communicationId: command.communicationId ?? null,
        proof: command.proof ?? null,
      },
      events,
      rows: writes.map((w, i) => toLedgerRow(w, eventIds[i])),
      expectedVersion,
    });
    if (ledgerIds.length === 0) return 'conflict';
    return outcomeOf(plan, new Map(writes.map((w, i) => [w.index, { ledgerId: ledgerIds[i], eventId: eventIds[i] }])), context);
  }

  /**
   * An address new to this customer that an erased person had opted out with starts from that
   * opt-out (see restateSuppressions): the records as they stand then, and the version they are
   * at; null when another write came first.
   */
  private async startFromSuppressions(
    sql: Sql,
    actor: ActorContext,
    command: ConsentCommand,
    customerId: number,
    recorded: StoredConsent[],
    version: number | null,
  ): Promise<{ before: StoredConsent[]; expectedVersion: number | null } | null> {
    const known = new Set(recorded.map(consentKeyString));
    const newAddresses = command.changes
      .map((c) => ({ ...c, address: normalizeAddress(c.channel, c.address, actor.phoneRegion) }))
      .filter((c) => c.address !== '' && !known.has(consentKeyString(c)))
      .map((c) => c.address);
    if (newAddresses.length === 0 || !this.secrets) return { before: recorded, expectedVersion: version };
    const digest = await this.secrets.addressDigester(actor.orgId);
    const restated = await restateSuppressions(sql, actor.orgId, customerId, newAddresses, digest, recorded, version);
    if (restated === null) return null;
    if (restated.length === 0) return { before: recorded, expectedVersion: version };
    return { before: [...recorded, ...restated], expectedVersion: version === null ? null : version + 1 };
  }

  /** Every consent record of a customer. */
  async states(orgId: string, customerId: number): Promise<Consent[]> {
    return this.dataSource.getRepository(Consent).find({ where: { orgId, customerId }, order: { id: 'ASC' } });
  }

  /**
   * Double opt-in: each change to UNCONFIRMED that emits an event carries the link the person
   * follows to confirm (a signed token, like an unsubscribe link); undefined for the others.
   */
  private async confirmUrlsFor(
    actor: ActorContext,
    customerId: number,
    writes: PlannedWrite[],
    eventIds: Array<string | null>,
  ): Promise<Array<string | undefined>> {
    return Promise.all(
      writes.map((w, i) =>
        eventIds[i] && w.change.status === ConsentStatus.UNCONFIRMED && this.links
          ? this.links.confirmUrl({
              orgId: actor.orgId,
              customerId,
              channel: w.change.channel,
              topic: w.change.topic,
              accountId: w.change.accountId,
              address: w.change.address,
            })
          : undefined,
      ),
    );
  }

  private eventFor(
    actor: ActorContext,
    command: ConsentCommand,
    customerId: number,
    write: PlannedWrite,
    id: string,
    confirmUrl: string | undefined,
  ): NewEvent {
    const { change, previousStatus } = write;
    return {
      id,
      orgId: actor.orgId,
      type: consentEventType(change.channel, change.status),
      customerId,
      channel: change.channel,
      campaignId: command.campaignId ?? null,
      campaignName: command.campaignName ?? null,
      recipient: change.address || null,
      occurredAt: change.occurredAt,
      payload: {
        consent: {
          channel: change.channel,
          topic: change.topic,
          accountId: change.accountId,
          address: change.address,
          addressType: change.addressType ?? null,
          status: change.status,
          previousStatus: previousStatus ?? DEFAULT_CONSENT_STATUS,
          source: actor.dialect,
          sourceName: change.sourceName ?? null,
          reason: command.reason ?? null,
          communicationId: command.communicationId ?? null,
        },
        ...(confirmUrl ? { confirmUrl } : {}),
      },
    };
  }
}

const customerNotFound = () => notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');

function toLedgerRow(write: PlannedWrite, eventId: string | null): LedgerRow {
  const { change } = write;
  return {
    channel: change.channel,
    topic: change.topic,
    accountId: change.accountId,
    address: change.address,
    addressType: change.addressType ?? null,
    previousStatus: write.previousStatus,
    status: change.status,
    sourceName: change.sourceName ?? null,
    orgUnitId: change.orgUnitId ?? null,
    eventId,
    occurredAt: change.occurredAt,
    supersededByOccurredAt: write.verdict === 'superseded' ? write.current!.occurredAt : null,
  };
}

/**
 * What the command did, item by item, from its plan and the ids of the rows written (by item
 * index; an item missing there was not written).
 */
function outcomeOf(
  plan: ConsentPlan,
  written: Map<number, { ledgerId: number; eventId: string | null }>,
  context: Pick<ConsentOutcome, 'customerId' | 'mergedFrom' | 'before'>,
): ConsentOutcome {
  const ledgerIdOf = (index: number) => written.get(index)?.ledgerId ?? null;
  const ofVerdict = (verdict: PlannedWrite['verdict']) => plan.writes.filter((w) => w.verdict === verdict);
  return {
    ...context,
    applied: ofVerdict('apply').map((w) => ({
      index: w.index,
      change: w.change,
      previousStatus: w.previousStatus,
      ledgerId: ledgerIdOf(w.index)!,
      eventId: written.get(w.index)?.eventId ?? null,
    })),
    unchanged: [
      ...plan.unchanged.map((u) => ({ ...u, ledgerId: null })),
      ...ofVerdict('reaffirm').map((w) => ({ index: w.index, change: w.change, previousStatus: w.previousStatus, ledgerId: ledgerIdOf(w.index) })),
    ].sort((a, b) => a.index - b.index),
    superseded: ofVerdict('superseded').map((w) => ({ index: w.index, change: w.change, current: w.current!, ledgerId: ledgerIdOf(w.index) })),
  };
}
