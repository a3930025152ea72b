import { Channel } from '../common/channel';

const PHONE_CHANNELS: readonly Channel[] = [Channel.SMS, Channel.WHATSAPP, Channel.VOICE];

/**
 * One spelling per contact address, so the same address given by two dialects is one record:
 * emails are trimmed and lower-cased, phone numbers lose spaces, dashes, dots and parentheses,
 * anything else (push subscription ids, chat ids) is only trimmed. '' stays '' (channel-wide).
 */
export function normalizeAddress(channel: Channel, address: string, _region?: string): string {
  const trimmed = address.trim();
  if (channel === Channel.EMAIL) return trimmed.toLowerCase();
  if (PHONE_CHANNELS.includes(channel)) return trimmed.replace(/[\s\-().]/g, '');
  return trimmed;
}
