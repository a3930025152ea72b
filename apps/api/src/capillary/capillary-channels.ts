import { Channel } from '@app/domain';

/** Capillary's channel spellings. MOBILE is SMS, and is answered as SMS. */
const CAPILLARY_CHANNELS: Record<string, Channel> = {
  EMAIL: Channel.EMAIL,
  SMS: Channel.SMS,
  MOBILE: Channel.SMS,
  WECHAT: Channel.WECHAT,
  WHATSAPP: Channel.WHATSAPP,
  IOS: Channel.IOS,
  ANDROID: Channel.ANDROID,
  LINE: Channel.LINE,
  PUSH: Channel.PUSH,
};

export const CAPILLARY_CHANNEL_NAMES = Object.keys(CAPILLARY_CHANNELS);

export function capillaryChannel(name: string): Channel | undefined {
  return CAPILLARY_CHANNELS[name.toUpperCase()];
}

export const PRIORITIES = ['TRANS', 'BULK'] as const;
export const SUBSCRIPTION_TYPES = ['OPTIN', 'OPTOUT'] as const;
