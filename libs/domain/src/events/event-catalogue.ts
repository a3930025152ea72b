import { Channel } from '../common/channel';
import { allowsSending, ConsentStatus } from '../common/consent-status';

export interface EventTypeInfo {
  type: string;
  /** null for events about the customer rather than a channel (a merge). */
  channel: string | null;
  description: string;
  /**
   * Consent, confirmation-request and customer events are emitted by the service; outcome events
   * are ingested from campaign tools (consent events may be ingested too: they change consent).
   */
  kind: 'consent' | 'outcome' | 'customer' | 'confirmation';
  /** For consent events: the state the event reports. */
  optIn?: boolean;
}

const outcome = (type: string, channel: string, description: string): EventTypeInfo => ({
  type,
  channel,
  description,
  kind: 'outcome',
});
const consent = (type: string, channel: string, optIn: boolean, description: string): EventTypeInfo => ({
  type,
  channel,
  description,
  kind: 'consent',
  optIn,
});

/** Two customers turned out to be one person: the victim was merged into the survivor. */
export const CUSTOMER_MERGED = 'CUSTOMER_MERGED';

/** A person was erased (GDPR art. 17): consumers remove what they hold about `customerId`. */
export const CUSTOMER_ERASED = 'CUSTOMER_ERASED';

/** The event channels that have consent events, in catalogue order. */
const EVENT_CHANNELS_WITH_CONSENT = ['EMAIL', 'SMS', 'PUSH', 'WEBPUSH', Channel.WHATSAPP, Channel.WECHAT, Channel.LINE, Channel.TELEGRAM, Channel.VOICE];

const optInRequestedType = (eventChannelName: string) => `${eventChannelName}_OPTIN_REQUESTED`;

/**
 * Every event type the service emits or accepts: the Responsys list first (its names win where
 * one exists), then the service's own consent events for channels Responsys has no name for.
 */
export const EVENT_CATALOGUE: readonly EventTypeInfo[] = [
  outcome('EMAIL_BOUNCED', 'EMAIL', 'An email bounced at the receiving server.'),
  outcome('EMAIL_FAILED', 'EMAIL', 'An email could not be sent.'),
  outcome('EMAIL_SKIPPED', 'EMAIL', 'An email was skipped before sending (suppressed, invalid, ...).'),
  outcome('EMAIL_CLICKED', 'EMAIL', 'A recipient clicked a link in an email.'),
  consent('EMAIL_OPTOUT', 'EMAIL', false, 'A customer opted out of email.'),
  consent('EMAIL_OPTIN', 'EMAIL', true, 'A customer opted in to email.'),
  outcome('EMAIL_COMPLAINT', 'EMAIL', 'A recipient marked an email as spam.'),
  outcome('SMS_FAILED', 'SMS', 'An SMS could not be sent.'),
  outcome('SMS_SKIPPED', 'SMS', 'An SMS was skipped before sending.'),
  outcome('SMS_MO_FW_FAILED', 'SMS', 'Forwarding an inbound (MO) SMS failed.'),
  consent('SMS_OPT_IN', 'SMS', true, 'A customer opted in to SMS.'),
  consent('SMS_OPT_OUT', 'SMS', false, 'A customer opted out of SMS.'),
  outcome('SMS_RECEIPT', 'SMS', 'A delivery receipt arrived for an SMS.'),
  outcome('MMS_SKIPPED', 'MMS', 'An MMS was skipped before sending.'),
  outcome('MMS_FAILED', 'MMS', 'An MMS could not be sent.'),
  outcome('PUSH_SKIPPED', 'PUSH', 'A push notification was skipped before sending.'),
  outcome('PUSH_FAILED', 'PUSH', 'A push notification could not be sent.'),
  outcome('PUSH_BOUNCED', 'PUSH', 'A push notification was rejected by the push service.'),
  consent('PUSH_OPT_IN', 'PUSH', true, 'A customer opted in to push (Android, iOS or app push).'),
  consent('PUSH_OPT_OUT', 'PUSH', false, 'A customer opted out of push (Android, iOS or app push).'),
  outcome('WEBPUSH_FAILED', 'WEBPUSH', 'A web push could not be sent.'),
  outcome('WEBPUSH_SKIPPED', 'WEBPUSH', 'A web push was skipped before sending.'),
  outcome('WEBPUSH_BOUNCED', 'WEBPUSH', 'A web push was rejected by the browser push service.'),
  outcome('WEBPUSH_CLOSED', 'WEBPUSH', 'A recipient closed a web push.'),
  consent('WEBPUSH_OPTIN', 'WEBPUSH', true, 'A customer opted in to web push.'),
  consent('WEBPUSH_OPTOUT', 'WEBPUSH', false, 'A customer opted out of web push.'),
  // optline's own names, same pattern as SMS, for channels Responsys does not cover.
  ...[Channel.WHATSAPP, Channel.WECHAT, Channel.LINE, Channel.TELEGRAM, Channel.VOICE].flatMap((channel) => [
    consent(`${channel}_OPT_IN`, channel, true, `A customer opted in to ${channel.toLowerCase()}.`),
    consent(`${channel}_OPT_OUT`, channel, false, `A customer opted out of ${channel.toLowerCase()}.`),
  ]),
  ...[Channel.WHATSAPP, Channel.WECHAT, Channel.LINE, Channel.TELEGRAM, Channel.VOICE].map((channel) =>
    outcome(`${channel}_FAILED`, channel, `A ${channel.toLowerCase()} message could not be sent.`),
  ),
  // Double opt-in: the address waits (UNCONFIRMED) until the person follows `confirmUrl`.
  ...EVENT_CHANNELS_WITH_CONSENT.map(
    (channel): EventTypeInfo => ({
      type: optInRequestedType(channel),
      channel,
      description: `An opt-in to ${channel.toLowerCase()} waits for the person's confirmation: send them the payload's confirmUrl.`,
      kind: 'confirmation',
    }),
  ),
  {
    type: CUSTOMER_MERGED,
    channel: null,
    description: 'Two customers were merged into one (the survivor); lists the consent keys on which they disagreed.',
    kind: 'customer',
  },
  {
    type: CUSTOMER_ERASED,
    channel: null,
    description: 'A person was erased: their personal data is gone from optline; remove what you hold about the customer id.',
    kind: 'customer',
  },
];

/** Types a campaign tool may report through ingest: everything but the events only the service can say. */
export const INGESTIBLE_EVENT_TYPES: readonly string[] = EVENT_CATALOGUE.filter((e) => e.kind !== 'customer' && e.kind !== 'confirmation').map(
  (e) => e.type,
);

const BY_TYPE = new Map(EVENT_CATALOGUE.map((e) => [e.type, e]));

export function findEventType(type: string): EventTypeInfo | undefined {
  return BY_TYPE.get(type);
}

/** The event channel a consent channel reports under (Android and iOS are push). */
function eventChannel(channel: Channel): string {
  return channel === Channel.ANDROID || channel === Channel.IOS ? Channel.PUSH : channel;
}

/**
 * The event a consent change emits: opt-in when the new status allows sending, a confirmation
 * request for UNCONFIRMED (double opt-in), opt-out otherwise.
 */
export function consentEventType(channel: Channel, status: ConsentStatus): string {
  if (status === ConsentStatus.UNCONFIRMED) return optInRequestedType(eventChannel(channel));
  const optIn = allowsSending(status);
  const found = EVENT_CATALOGUE.find(
    (e) => e.kind === 'consent' && e.channel === eventChannel(channel) && e.optIn === optIn,
  );
  if (!found) throw new Error(`No consent event type for ${channel}`);
  return found.type;
}

/** For an ingested consent event: the channel and status it sets. */
export function consentOfEventType(type: string): { channel: string; status: ConsentStatus } | undefined {
  const info = BY_TYPE.get(type);
  if (!info || info.kind !== 'consent' || info.channel === null) return undefined;
  return { channel: info.channel, status: info.optIn ? ConsentStatus.OPTIN : ConsentStatus.OPTOUT };
}
