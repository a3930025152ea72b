import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { conflict, ErrorCodes, invalid, notFound } from '../common/domain-error';
import { EventNotifier } from '../events/event-notifier';
import { Callback } from './callback.entity';
import { callbackNotFound } from './callbacks.service';
import { EventFilter, EventSubscription, SubscriptionStatus } from './event-subscription.entity';
import { lockOrgSubscriptions } from './org-lock';
import {
  checkBatchSize,
  checkCallbackName,
  checkEventTypes,
  checkFilters,
  checkStatus,
  DEFAULT_BATCH_SIZE,
} from './subscription-rules';

/** What a caller asks for; unset optional fields keep their current value on update. */
export interface SubscriptionInput {
  callbackName?: string | null;
  eventTypes?: string[] | null;
  status?: unknown;
  statusReason?: string | null;
  filters?: EventFilter[] | null;
  batchSize?: unknown;
}

export interface SubscriptionView {
  subscription: EventSubscription;
  callback: Callback;
}

interface CheckedInput {
  callbackName: string;
  eventTypes: string[];
  status: SubscriptionStatus;
}

const subscriptionNotFound = (subscriptionName: string) =>
  notFound(ErrorCodes.SUBSCRIPTION_NOT_FOUND, `No subscription named ${subscriptionName}`, { subscriptionName });

/**
 * Event subscriptions: which event types go to which callback. Writes run under the org's
 * subscription lock, so "an event type is in at most one ACTIVE subscription of the org" holds
 * under concurrent creates, updates and resumes. A PAUSED subscription may still have a type that
 * an ACTIVE one took after it was paused (Responsys allows that); fan-out then holds no events of
 * that type for it (see withoutTakenTypes).
 */
@Injectable()
export class EventSubscriptionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: EventNotifier,
  ) {}

  async create(orgId: string, name: string, input: SubscriptionInput): Promise<SubscriptionView> {
    const checked = this.checkInput(input, false);
    const view = await this.dataSource.transaction(async (manager) => {
      await lockOrgSubscriptions(manager, orgId);
      if (await manager.findOneBy(EventSubscription, { orgId, name })) {
        throw conflict(ErrorCodes.SUBSCRIPTION_EXISTS, `A subscription named ${name} already exists`, { subscriptionName: name });
      }
      const callback = await this.callbackFor(manager, orgId, checked.callbackName, name);
      const subscription = manager.create(EventSubscription, {
        orgId,
        name,
        callbackId: callback.id,
        eventTypes: checked.eventTypes,
        status: checked.status,
        statusReason: input.statusReason ?? null,
        filters: checkFilters(input.filters ?? [], checked.eventTypes),
        batchSize: checkBatchSize(input.batchSize, DEFAULT_BATCH_SIZE),
      });
      await this.assertNoActiveOverlap(manager, subscription);
      return { subscription: await manager.save(subscription), callback };
    });
    await this.notifier.subscriptionChanged({ orgId, subscriptionId: view.subscription.id });
    return view;
  }

  /** Status is required; a PAUSED to ACTIVE change is a resume and releases the held events. */
  async update(orgId: string, name: string, input: SubscriptionInput): Promise<SubscriptionView> {
    const checked = this.checkInput(input, true);
    let resumed = false;
    const view = await this.dataSource.transaction(async (manager) => {
      await lockOrgSubscriptions(manager, orgId);
      const subscription = await this.find(manager, orgId, name);
      const callback = await this.callbackFor(manager, orgId, checked.callbackName, name);
      resumed = subscription.status === SubscriptionStatus.PAUSED && checked.status === SubscriptionStatus.ACTIVE;
      const statusChanged = subscription.status !== checked.status;
      Object.assign(subscription, {
        callbackId: callback.id,
        eventTypes: checked.eventTypes,
        status: checked.status,
        statusReason: input.statusReason !== undefined ? input.statusReason : statusChanged ? null : subscription.statusReason,
        // Filters the caller sends are checked; stored ones are kept as they are, as seed 003's own
        // sample shows (eventTypes [EMAIL_BOUNCED] keeping a filter on EMAIL_FAILED).
        filters: input.filters !== undefined && input.filters !== null ? checkFilters(input.filters, checked.eventTypes) : subscription.filters,
        batchSize: checkBatchSize(input.batchSize, subscription.batchSize),
      });
      await this.assertNoActiveOverlap(manager, subscription);
      return { subscription: await manager.save(subscription), callback };
    });
    await this.notifier.subscriptionChanged({ orgId, subscriptionId: view.subscription.id, ...(resumed ? { resumed } : {}) });
    return view;
  }

  async delete(orgId: string, name: string): Promise<SubscriptionView> {
    const view = await this.dataSource.transaction(async (manager) => {
      await lockOrgSubscriptions(manager, orgId);
      const subscription = await this.find(manager, orgId, name);
      const callback = await manager.findOneByOrFail(Callback, { orgId, id: subscription.callbackId });
      await manager.delete(EventSubscription, { orgId, id: subscription.id });
      return { subscription, callback };
    });
    await this.notifier.subscriptionChanged({ orgId, subscriptionId: view.subscription.id });
    return view;
  }

  async get(orgId: string, name: string): Promise<SubscriptionView> {
    const [view] = await this.views(orgId, await this.find(this.dataSource.manager, orgId, name));
    return view;
  }

  async list(orgId: string): Promise<SubscriptionView[]> {
    const subscriptions = await this.dataSource.getRepository(EventSubscription).find({ where: { orgId }, order: { name: 'ASC' } });
    return this.views(orgId, ...subscriptions);
  }

  /** The subscriptions that send to one callback. */
  async listForCallback(orgId: string, callbackName: string): Promise<SubscriptionView[]> {
    const callback = await this.dataSource.getRepository(Callback).findOneBy({ orgId, name: callbackName });
    if (!callback) throw callbackNotFound(callbackName);
    const subscriptions = await this.dataSource
      .getRepository(EventSubscription)
      .find({ where: { orgId, callbackId: callback.id }, order: { name: 'ASC' } });
    return subscriptions.map((subscription) => ({ subscription, callback }));
  }

  private checkInput(input: SubscriptionInput, statusRequired: boolean): CheckedInput {
    const eventTypes = checkEventTypes(input.eventTypes);
    const status = checkStatus(input.status, statusRequired);
    return { callbackName: checkCallbackName(input.callbackName), eventTypes, status };
  }

  private async find(manager: EntityManager, orgId: string, name: string): Promise<EventSubscription> {
    const subscription = await manager.findOneBy(EventSubscription, { orgId, name });
    if (!subscription) throw subscriptionNotFound(name);
    return subscription;
  }

  private async callbackFor(manager: EntityManager, orgId: string, callbackName: string, subscriptionName: string) {
    const callback = await manager.findOneBy(Callback, { orgId, name: callbackName });
    if (!callback) throw callbackNotFound(callbackName, subscriptionName);
    return callback;
  }

  /**
   * Names the first event type that another ACTIVE subscription of the org already has. Checked
   * whatever status the request asks for, as Responsys words it ("requests fail if any specified
   * events are already being used in other active subscriptions"): a PAUSED subscription whose
   * type an ACTIVE one took meanwhile can be neither resumed nor edited until it lets the type go.
   */
  private async assertNoActiveOverlap(manager: EntityManager, subscription: EventSubscription): Promise<void> {
    const others: Array<{ name: string; event_types: string[] }> = await manager.query(
      `SELECT name, event_types FROM event_subscriptions
        WHERE org_id = $1 AND status = 'ACTIVE' AND event_types && $2::text[] AND id IS DISTINCT FROM $3::uuid
        ORDER BY name`,
      [subscription.orgId, subscription.eventTypes, subscription.id ?? null],
    );
    if (others.length === 0) return;
    const taken = subscription.eventTypes.find((t) => others.some((o) => o.event_types.includes(t)))!;
    throw invalid(ErrorCodes.EVENT_TYPE_ALREADY_SUBSCRIBED, `Event type ${taken} is in the ACTIVE subscription ${others[0].name}`, {
      eventType: taken,
      subscriptionName: others[0].name,
    });
  }

  private async views(orgId: string, ...subscriptions: EventSubscription[]): Promise<SubscriptionView[]> {
    if (subscriptions.length === 0) return [];
    const ids = [...new Set(subscriptions.map((s) => s.callbackId))];
    const callbacks = await this.dataSource.getRepository(Callback).findBy({ orgId, id: In(ids) });
    const byId = new Map(callbacks.map((c) => [c.id, c]));
    return subscriptions.map((subscription) => ({ subscription, callback: byId.get(subscription.callbackId)! }));
  }
}
