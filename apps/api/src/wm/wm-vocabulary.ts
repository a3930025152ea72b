import { Channel } from '@app/domain';

/** WM's channel names and the optline channels they are. */
const WM_CHANNELS = { Text: Channel.SMS, Email: Channel.EMAIL, Voice: Channel.VOICE } as const;
export type WmChannelName = keyof typeof WM_CHANNELS;
export const WM_CHANNEL_NAMES = Object.keys(WM_CHANNELS) as WmChannelName[];

export const optlineChannelOf = (name: WmChannelName): Channel => WM_CHANNELS[name];

export function wmChannelNameOf(channel: Channel): WmChannelName | undefined {
  return WM_CHANNEL_NAMES.find((name) => WM_CHANNELS[name] === channel);
}

/** `text`, `TEXT` and `Text` are all WM's Text. */
export function canonicalWmChannel(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return WM_CHANNEL_NAMES.find((name) => name.toLowerCase() === value.trim().toLowerCase()) ?? value;
}

/** A WM customer is an identifier `customerId` of source WM. */
export const WM_SOURCE = 'WM';
export const WM_CUSTOMER_ID = 'customerId';
