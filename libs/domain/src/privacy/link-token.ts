import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Channel } from '../common/channel';

/**
 * What a link a person opens is about: one org, customer, channel, topic, account and address.
 * `purpose` keeps an unsubscribe link from serving as a confirm link and back.
 */
export interface LinkSubject {
  purpose: 'unsubscribe' | 'confirm';
  orgId: string;
  customerId: number;
  channel: Channel;
  /** '' for a link about every topic of the channel. */
  topic: string;
  accountId: string;
  /** '' for a link about the channel as a whole. */
  address: string;
  /** When the link was minted (seconds), so a confirm link can age. */
  issuedAt: number;
}

export interface SigningKey {
  kid: string;
  secret: string;
}

const VERSION = 1;
const PURPOSES: Record<LinkSubject['purpose'], number> = { unsubscribe: 0, confirm: 1 };
const IV_BYTES = 16;
const MAC_BYTES = 32;

const derive = (secret: string, use: string) => createHmac('sha256', secret).update(`optline-link-${use}`).digest();
const base64url = (b: Buffer) => b.toString('base64url');

/**
 * A stateless token: `<kid>.<iv+ciphertext>.<mac>`. The subject is encrypted (AES-256-CTR) so
 * that no address or id can be read from a URL, then the key id and ciphertext are signed with
 * HMAC-SHA256 (encrypt-then-MAC), so nothing in it can be changed without the key. Both keys are
 * derived from the one secret named by the kid.
 */
export function signLinkToken(subject: LinkSubject, key: SigningKey): string {
  const plain = Buffer.from(
    JSON.stringify([
      VERSION,
      PURPOSES[subject.purpose],
      subject.orgId,
      subject.customerId,
      subject.channel,
      subject.topic,
      subject.accountId,
      subject.address,
      subject.issuedAt,
    ]),
  );
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-ctr', derive(key.secret, 'encrypt'), iv);
  const body = base64url(Buffer.concat([iv, cipher.update(plain), cipher.final()]));
  return `${key.kid}.${body}.${base64url(macOf(key, body))}`;
}

/** The key id a token names, or null when it is not shaped like a token at all. */
export function kidOf(token: string): string | null {
  const parts = token.split('.');
  return parts.length === 3 && /^[A-Za-z0-9_-]{1,40}$/.test(parts[0]) ? parts[0] : null;
}

/** The subject of a token signed by `key`, or null when it was tampered with or is malformed. */
export function openLinkToken(token: string, key: SigningKey): LinkSubject | null {
  const [kid, body, mac] = token.split('.');
  if (kid !== key.kid || !body || !mac) return null;
  const given = Buffer.from(mac, 'base64url');
  const expected = macOf(key, body);
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) return null;
  const raw = Buffer.from(body, 'base64url');
  if (raw.length <= IV_BYTES) return null;
  const decipher = createDecipheriv('aes-256-ctr', derive(key.secret, 'encrypt'), raw.subarray(0, IV_BYTES));
  try {
    const fields = JSON.parse(Buffer.concat([decipher.update(raw.subarray(IV_BYTES)), decipher.final()]).toString('utf8'));
    const [version, purpose, orgId, customerId, channel, topic, accountId, address, issuedAt] = fields;
    if (version !== VERSION) return null;
    const purposeName = (Object.keys(PURPOSES) as Array<LinkSubject['purpose']>).find((p) => PURPOSES[p] === purpose);
    if (!purposeName) return null;
    return { purpose: purposeName, orgId, customerId, channel, topic, accountId, address, issuedAt };
  } catch {
    return null;
  }
}

function macOf(key: SigningKey, body: string): Buffer {
  return createHmac('sha256', derive(key.secret, 'sign')).update(`${key.kid}.${body}`).digest();
}
