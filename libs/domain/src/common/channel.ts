/** The closed set of channels. Each dialect maps its own spellings onto these in its adapter. */
export enum Channel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  WHATSAPP = 'WHATSAPP',
  WECHAT = 'WECHAT',
  LINE = 'LINE',
  ANDROID = 'ANDROID',
  IOS = 'IOS',
  PUSH = 'PUSH',
  WEBPUSH = 'WEBPUSH',
  TELEGRAM = 'TELEGRAM',
  VOICE = 'VOICE',
}

export const CHANNELS: readonly Channel[] = Object.values(Channel);

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as string[]).includes(value);
}
