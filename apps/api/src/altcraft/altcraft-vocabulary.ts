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

const ALTCRAFT_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Altcraft's `date` is when the subscription changed: `2024-05-01`, `2024-05-01 10:00` or a full
 * ISO time. A time without a zone is read as UTC, so the server's own zone never shifts it.
 * Undefined for a date that does not exist (`2026-02-30`, `25:00`): a change must never take
 * "now" for a time it did not give.
 */
export function altcraftTime(date: string): Date | undefined {
  const parts = ALTCRAFT_DATE.exec(date.trim());
  if (!parts) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone] = parts;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const exists =
    calendar.getUTCFullYear() === Number(year) && calendar.getUTCMonth() === Number(month) - 1 && calendar.getUTCDate() === Number(day);
  if (!exists || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const iso = date.trim().replace(' ', 'T');
  const time = new Date(iso.length > 10 && !zone ? `${iso}Z` : iso);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
