import { CommChannel } from './customer-profile.entity';
import { normalizeIdentifierValue } from './identifier-value';

/** A comm channel's value in the one spelling identifiers use (E.164 mobiles, lower-case e-mails). */
export function spelledCommChannel(channel: CommChannel, phoneRegion?: string): CommChannel {
  return { ...channel, value: normalizeIdentifierValue(channel.type.toLowerCase(), channel.value, phoneRegion) };
}

const sameChannel = (a: CommChannel, b: CommChannel) => a.type.toLowerCase() === b.type.toLowerCase() && a.value === b.value;

/**
 * The profile's channels after an update: a sent channel replaces the held one of the same type
 * and value (or is added), the others stay. A channel sent as primary makes the others of its
 * type secondary, since a type has one primary address.
 */
export function updatedCommChannels(held: CommChannel[], sent: CommChannel[]): CommChannel[] {
  const kept = held.filter((h) => !sent.some((s) => sameChannel(h, s)));
  const primaryTypes = new Set(sent.filter((s) => s.primary === true).map((s) => s.type.toLowerCase()));
  const demoted = kept.map((h) => (primaryTypes.has(h.type.toLowerCase()) && h.primary ? { ...h, primary: false } : h));
  return [...demoted, ...sent];
}
