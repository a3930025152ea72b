import { Channel } from '../common/channel';
import { normalizeEmail, normalizePhoneNumber } from '../common/contact-spelling';

export const PHONE_CHANNELS: readonly Channel[] = [Channel.SMS, Channel.WHATSAPP, Channel.VOICE];

/**
 * One spelling per contact address, so the same address given by two dialects is one record:
 * emails are trimmed and lower-cased, phone numbers become E.164 (national numbers read in
 * `region`, the org's default phone region), anything else (push subscription ids, chat ids) is
 * only trimmed. '' stays '' (channel-wide). Idempotent, so ledger addresses can be normalized
 * again on a replay.
 */
export function normalizeAddress(channel: Channel, address: string, region?: string): string {
  if (channel === Channel.EMAIL) return normalizeEmail(address);
  if (PHONE_CHANNELS.includes(channel)) return normalizePhoneNumber(address, region);
  return address.trim();
}

/**
 * The reason on the ledger row that restates a consent record under its new spelling, after
 * stored addresses were respelled (a migration, an org's new phone region): its proof names the
 * spellings it absorbed.
 */
export const RESPELLED_REASON = 'address-respelled';
