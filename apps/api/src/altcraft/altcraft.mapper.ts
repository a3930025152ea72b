import { allowsSending, ConsentChange, ConsentStatus, IdentifiedCommand, IdentifiedOutcome } from '@app/domain';
import { altcraftChannelOf, altcraftTime, consentStatusOf, optlineChannel } from './altcraft-vocabulary';
import { SetSubscriptionDto, TelegramCcDataDto, WhatsAppCcDataDto } from './dto/set-subscription.dto';

/** An Altcraft profile is an identifier `profileId` of source ALTCRAFT in the account `db_id`. */
export const ALTCRAFT_SOURCE = 'ALTCRAFT';
export const ALTCRAFT_PROFILE_ID = 'profileId';

/** The contact address the subscription is about, from the channel's own field. */
function addressOf(dto: SetSubscriptionDto): string {
  switch (dto.channel) {
    case 'email':
      return dto.email ?? '';
    case 'push':
      return dto.subscription_id ?? '';
    case 'sms':
      return dto.phone ?? '';
    case 'telegram_bot':
      return (dto.cc_data as TelegramCcDataDto).id;
    case 'whatsapp':
      return (dto.cc_data as WhatsAppCcDataDto).phone;
  }
}

/** What the caller told about the registration, kept on the ledger row as its proof. */
function proofOf(dto: SetSubscriptionDto): Record<string, unknown> | null {
  const proof = Object.fromEntries(
    Object.entries({ date: dto.date, ip: dto.ip, url: dto.url, priority: dto.priority, provider: dto.provider }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  return Object.keys(proof).length ? proof : null;
}

export function toAltcraftCommand(dto: SetSubscriptionDto): IdentifiedCommand {
  // An absent status, or null (how many clients send an absent field), keeps the current one; a
  // new subscription starts subscribed. Only a status that is present and valid changes anything.
  const statusGiven = dto.status !== undefined && dto.status !== null;
  const change: ConsentChange = {
    channel: optlineChannel(dto.channel, dto.provider),
    topic: String(dto.resource_id),
    accountId: '',
    address: addressOf(dto),
    status: statusGiven ? consentStatusOf(dto.status!) : ConsentStatus.OPTIN,
    keepRecordedStatus: !statusGiven,
  };
  return {
    identity: { source: ALTCRAFT_SOURCE, accountId: String(dto.db_id), type: ALTCRAFT_PROFILE_ID, value: dto.profile_id },
    changes: [change],
    // null, like an absent date, is no time: the change happened when the request arrived.
    occurredAt: dto.date == null ? undefined : altcraftTime(dto.date),
    proof: proofOf(dto),
    emitEvents: dto.skip_triggers !== true,
    createMissing: true,
  };
}

/** Statuses that say the address has a delivery problem. */
const UNSAFE: readonly ConsentStatus[] = [ConsentStatus.COMPLAINED, ConsentStatus.HARDBOUNCED, ConsentStatus.INVALID];

/**
 * Altcraft's answer, every flag computed from the profile's records before the call (see the doc):
 * a subscription is one record (resource = topic, channel, address).
 */
export function toAltcraftAnswer(outcome: IdentifiedOutcome) {
  // A change older than the recorded one changed nothing: it is answered as unchanged, and the
  // recorded status is the one that stands.
  const superseded = outcome.superseded[0];
  const item = outcome.applied[0] ?? outcome.unchanged[0];
  const change = item ? item.change : superseded.change;
  const previousStatus = item ? item.previousStatus : superseded.current.status;
  const status = item ? change.status : superseded.current.status;
  const family = altcraftChannelOf(change.channel);
  const onResource = outcome.before.filter((r) => r.topic === change.topic && r.accountId === change.accountId);
  const onChannel = onResource.filter((r) => altcraftChannelOf(r.channel) === family);
  const existed = previousStatus !== null;
  return {
    data: {
      action: !existed ? 'subscribed' : outcome.applied.length ? 'updated' : 'unchanged',
      is_new_channel: !existed && onResource.length > 0 && onChannel.length === 0,
      is_new_contact: !existed && onChannel.length > 0,
      is_new_subscription: onResource.length === 0,
      is_restored: existed && !allowsSending(previousStatus) && allowsSending(status),
      is_safe: !UNSAFE.includes(status) && !(previousStatus && UNSAFE.includes(previousStatus)),
    },
    error: 0,
    error_text: 'Successful operation',
  };
}
