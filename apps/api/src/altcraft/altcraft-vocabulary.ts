import { Channel, ConsentStatus } from '@app/domain';

/** Altcraft's subscription statuses; the index is the number Altcraft also accepts. */
export const ALTCRAFT_STATUSES = [
  'subscribed',
  'unsubscribed',
  'complained',
  'hardbounced',
  'unconfirmed',
  'suspended',
  'invalid',
] as const;
export type AltcraftStatus = (typeof ALTCRAFT_STATUSES)[number];

const STATUS_OF_WORD: Record<AltcraftStatus, ConsentStatus> = {
  subscribed: ConsentStatus.OPTIN,
  unsubscribed: ConsentStatus.OPTOUT,
  complained: ConsentStatus.COMPLAINED,
  hardbounced: ConsentStatus.HARDBOUNCED,
  unconfirmed: ConsentStatus.UNCONFIRMED,
  suspended: ConsentStatus.SUSPENDED,
  invalid: ConsentStatus.INVALID,
};

export const consentStatusOf = (word: AltcraftStatus): ConsentStatus => STATUS_OF_WORD[word];

/** 0..6 (as a number or a digit string) become their word; words are matched in any case. */
export function altcraftStatusWord({ value }: { value: unknown }): unknown {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d$/.test(value.trim()) ? Number(value) : NaN;
  if (Number.isInteger(n)) return ALTCRAFT_STATUSES[n] ?? value;
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}

export const ALTCRAFT_CHANNELS = ['email', 'push', 'sms', 'telegram_bot', 'whatsapp'] as const;
export type AltcraftChannel = (typeof ALTCRAFT_CHANNELS)[number];

/** Push providers that are browsers: their subscriptions are web push; any other provider is app push. */
const BROWSER_PROVIDERS = ['firefox', 'chrome', 'chromium', 'safari', 'opera', 'edge', 'yandex', 'webpush'];

export function optlineChannel(channel: AltcraftChannel, provider?: string): Channel {
  switch (channel) {
    case 'email':
      return Channel.EMAIL;
    case 'sms':
      return Channel.SMS;
    case 'telegram_bot':
      return Channel.TELEGRAM;
    case 'whatsapp':
      return Channel.WHATSAPP;
    case 'push':
      return BROWSER_PROVIDERS.includes((provider ?? '').trim().toLowerCase()) ? Channel.WEBPUSH : Channel.PUSH;
  }
}

/** The Altcraft channel an optline record belongs to, for the is_new_channel comparison. */
export function altcraftChannelOf(channel: Channel): string {
  switch (channel) {
    case Channel.PUSH:
    case Channel.WEBPUSH:
    case Channel.ANDROID:
    case Channel.IOS:
      return 'push';
    case Channel.TELEGRAM:
      return 'telegram_bot';
    default:
      return channel.toLowerCase();
  }
}
