import { Channel } from '../common/channel';

/** The identity of one consent record within a customer. */
export interface ConsentKey {
  channel: Channel;
  topic: string;
  accountId: string;
  address: string;
}

export function consentKeyString(key: ConsentKey): string {
  return JSON.stringify([key.channel, key.topic, key.accountId, key.address]);
}
