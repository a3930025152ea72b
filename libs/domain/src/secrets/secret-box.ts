import { loadConfig, SecretsKey } from '@app/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValueTransformer } from 'typeorm';

/**
 * Secrets at rest (callback passwords, signing secrets): AES-256-GCM under the keys of
 * SECRETS_KEYS. A stored value names the key that sealed it, so keys rotate: the first key seals,
 * every listed key opens, and `secrets:reencrypt` moves old values to the first key. The column's
 * name is the additional authenticated data, so a sealed value copied into another column fails.
 *
 *   enc:v1:<kid>:<base64(iv 12 bytes | tag 16 bytes | ciphertext)>
 *
 * A value without the prefix was stored in clear (before SECRETS_KEYS was set) and is read as is.
 */
const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  constructor(private readonly keys: SecretsKey[]) {}

  /** Encrypts under the first key; in clear when no key is configured. */
  seal(plain: string, column: string): string {
    const key = this.keys[0];
    if (!key) return plain;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv).setAAD(Buffer.from(column));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${key.kid}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  open(stored: string, column: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const rest = stored.slice(PREFIX.length);
    const kid = rest.slice(0, rest.indexOf(':'));
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`A ${column} is sealed with key ${kid}, which SECRETS_KEYS no longer lists`);
    const data = Buffer.from(rest.slice(kid.length + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES)).setAAD(Buffer.from(column));
    decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** Whether a stored value is sealed with the key that seals now (nothing to re-encrypt). */
  isCurrent(stored: string): boolean {
    const key = this.keys[0];
    return key ? stored.startsWith(`${PREFIX}${key.kid}:`) : !stored.startsWith(PREFIX);
  }
}

let processBox: SecretBox | undefined;

/** The box of this process's SECRETS_KEYS, read once (entity transformers have no injector). */
export function secretBox(): SecretBox {
  return (processBox ??= new SecretBox(loadConfig().secretsKeys));
}

/** Seals a text column on write and opens it on read; null stays null. */
export function sealedColumn(column: string): ValueTransformer {
  return {
    to: (value: string | null | undefined) => (typeof value === 'string' ? secretBox().seal(value, column) : value),
    from: (value: string | null) => (value === null ? null : secretBox().open(value, column)),
  };
}
