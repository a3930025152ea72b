import {
  Channel,
  Consent,
  ConsentChange,
  ConsentLedgerEntry,
  ConsentOutcome,
  ConsentStatus,
  DEFAULT_CONSENT_STATUS,
} from '@app/domain';
import { CapillaryCode } from './capillary-codes';
import { capillaryChannel } from './capillary-channels';
import { SubscriptionItemDto, UpdateSubscriptionsDto } from './dto/update-subscriptions.dto';

export interface CapillarySubscription {
  channel: string;
  accountId: string;
  priority: string;
  type: string;
}

/** Capillary speaks OPTIN/OPTOUT; the finer states of other dialects all read as OPTOUT here. */
export const capillaryType = (status: ConsentStatus) => (status === ConsentStatus.OPTIN ? 'OPTIN' : 'OPTOUT');

export function toConsentChange(item: SubscriptionItemDto): ConsentChange {
  const channel = capillaryChannel(item.channel);
  if (!channel) throw new Error(`unvalidated channel ${item.channel}`);
  return {
    channel,
    topic: item.priority,
    accountId: item.accountId ?? '',
    address: '',
    status: item.type === 'OPTIN' ? ConsentStatus.OPTIN : ConsentStatus.OPTOUT,
    orgUnitId: item.orgUnitId ?? null,
    sourceName: item.sourceName ?? null,
  };
}

const toSubscription = (change: ConsentChange): CapillarySubscription => ({
  channel: change.channel,
  accountId: change.accountId,
  priority: change.topic,
  type: capillaryType(change.status),
});

/** The answer to POST /v2/customers/{id}/subscriptions, shaped as the page's sample. */
export function toUpdateResponse(dto: UpdateSubscriptionsDto, outcome: ConsentOutcome) {
  const scope = dto.scope ?? { scope: 'USER', subScope: 'NONE' };
  return {
    scope: {
      scopeId: 0,
      scope: scope.scope,
      subScope: scope.subScope ?? 'NONE',
      setCreatedOn: false,
      setPriority: false,
      setScopeId: false,
      setScope: true,
      setSubScope: true,
    },
    subscriptions: outcome.applied.map((a) => toSubscription(a.change)),
    campaignId: dto.campaignId ?? -1,
    communicationId: dto.communicationId ?? -1,
    reason: dto.reason ?? '',
    warnings: [
      // A write to a merged customer's id is recorded on the survivor: say where it went.
      ...(outcome.mergedFrom !== null
        ? [{ index: -1, code: CapillaryCode.CUSTOMER_MERGED, message: `The customer is merged into another account with user id ${outcome.customerId}; the change was recorded there` }]
        : []),
      ...outcome.unchanged.map((u) => ({
        index: u.index,
        code: CapillaryCode.UNCHANGED,
        message: `subscriptions[${u.index}]: ${u.change.channel} ${u.change.topic} is already ${capillaryType(u.change.status)}; nothing changed`,
      })),
      ...outcome.superseded.map((s) => ({
        index: s.index,
        code: CapillaryCode.SUPERSEDED,
        message:
          `subscriptions[${s.index}]: ${s.change.channel} ${s.change.topic} ${capillaryType(s.change.status)} happened at ` +
          `${s.change.occurredAt.toISOString()}, ` +
          (s.change.occurredAt.getTime() === s.current.occurredAt.getTime()
            ? `the same time as the ${capillaryType(s.current.status)} recorded (on equal times the opt-out wins)`
            : `before the ${capillaryType(s.current.status)} of ${s.current.occurredAt.toISOString()}`) +
          '; kept in the change log, nothing changed',
      })),
    ]
      .sort((a, b) => a.index - b.index)
      .map(({ code, message }) => ({ code, message })),
  };
}

const CHANNEL_ORDER = [Channel.EMAIL, Channel.SMS];
const DEFAULT_CHANNELS = [Channel.EMAIL, Channel.SMS];
const PRIORITY_ORDER = ['TRANS', 'BULK'];

/**
 * The customer's state per channel, priority and account. A registered customer is opted in to
 * EMAIL and SMS, both priorities, until a change is recorded (Capillary's rule); recorded keys on
 * other channels or accounts are listed too. Address-level records belong to other dialects.
 */
export function toSubscriptionList(records: Consent[]): CapillarySubscription[] {
  const byKey = new Map<string, CapillarySubscription>();
  for (const priority of PRIORITY_ORDER) {
    for (const channel of DEFAULT_CHANNELS) {
      byKey.set(`${channel}|${priority}|`, { channel, accountId: '', priority, type: capillaryType(DEFAULT_CONSENT_STATUS) });
    }
  }
  for (const r of records.filter((c) => c.address === '')) {
    byKey.set(`${r.channel}|${r.topic}|${r.accountId}`, {
      channel: r.channel,
      accountId: r.accountId,
      priority: r.topic,
      type: capillaryType(r.status),
    });
  }
  const rank = (list: string[], v: string) => (list.includes(v) ? list.indexOf(v) : list.length);
  return [...byKey.values()].sort(
    (a, b) =>
      rank(PRIORITY_ORDER, a.priority) - rank(PRIORITY_ORDER, b.priority) ||
      rank(CHANNEL_ORDER, a.channel) - rank(CHANNEL_ORDER, b.channel) ||
      a.channel.localeCompare(b.channel) ||
      a.accountId.localeCompare(b.accountId),
  );
}

/** One row of subscriptionStatusChangeLog; a row of a customer merged into this one says which (`mergedFrom`). */
export function toChangeLogEntry(entry: ConsentLedgerEntry & { mergedFrom?: number | null }) {
  return {
    id: entry.id,
    source: entry.sourceName ?? entry.dialect,
    accountId: entry.accountId,
    orgUnitId: entry.orgUnitId,
    commChannelType: entry.channel,
    priority: entry.topic,
    address: entry.address || undefined,
    status: capillaryType(entry.status),
    previousStatus: capillaryType(entry.previousStatus ?? DEFAULT_CONSENT_STATUS),
    addedBy: entry.actor ?? entry.apiKeyId,
    addedOn: entry.createdAt.toISOString(),
    // When the change happened (rows from before times were kept: when it was recorded), and, for
    // a change that arrived after a newer one, when that newer change happened.
    occurredAt: (entry.occurredAt ?? entry.createdAt).toISOString(),
    ...(entry.supersededByOccurredAt ? { superseded: true, supersededByOccurredAt: entry.supersededByOccurredAt.toISOString() } : {}),
    reason: entry.reason,
    campaignId: entry.campaignId,
    communicationId: entry.communicationId,
    dialect: entry.dialect,
    requestId: entry.requestId,
    ...(entry.mergedFrom ? { mergedFrom: entry.mergedFrom } : {}),
  };
}
