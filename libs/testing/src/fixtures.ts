import { randomBytes } from 'node:crypto';
import { TestApi, TestOrg } from './test-app';

/**
 * A unique-enough Indian mobile number for a test customer, already in the one spelling optline
 * stores (E.164), so a test can compare what it sent with what was stored.
 */
export function uniqueMobile(): string {
  return `+919${(BigInt('0x' + randomBytes(5).toString('hex')) % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export function uniqueEmail(): string {
  return `${randomBytes(5).toString('hex')}@example.com`;
}

/** Registers an INSTORE customer with a mobile and an email; returns its id and identifiers. */
export async function registerCustomer(
  api: TestApi,
  org: TestOrg,
  overrides: { source?: string; accountId?: string; mobile?: string; email?: string } = {},
): Promise<{ id: number; mobile: string; email: string }> {
  const mobile = overrides.mobile ?? uniqueMobile();
  const email = overrides.email ?? uniqueEmail();
  const query = `source=${overrides.source ?? 'INSTORE'}${overrides.accountId ? `&accountId=${overrides.accountId}` : ''}`;
  const res = await api.post(
    `/v2/customers?${query}`,
    {
      profiles: [
        {
          firstName: 'Tom',
          lastName: 'Sawyer',
          identifiers: [
            { type: 'mobile', value: mobile },
            { type: 'email', value: email },
          ],
        },
      ],
    },
    org,
  );
  if (res.status !== 200) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { id: res.body.createdId, mobile, email };
}
