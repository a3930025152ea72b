import { isPhoneNumberLike } from '@app/domain';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Plausibility checks for identifier values, shared by the dialects that take identifiers. They
 * refuse what cannot be an e-mail or a phone number at all; spelling (case, E.164) is the
 * normalisation's business, not a reason to refuse.
 */
export const isPlausibleEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());

/** The same phone check as every dialect's (isPhoneNumberLike): digits and separators, 5 to 15 digits. */
const CHECKS: Record<string, (value: string) => boolean> = { email: isPlausibleEmail, mobile: isPhoneNumberLike };

/** The value is plausible for the identifier type named by `typeOf(object)`; types without a check pass. */
export function plausibleFor(type: string, value: string): boolean {
  const check = CHECKS[type];
  return !check || check(value);
}

/** class-validator: `value` must be plausible when the object's `type` is `type` (one code per type). */
export const PlausibleWhenType = (type: 'email' | 'mobile', options: ValidationOptions) =>
  ValidateBy(
    {
      name: `plausible_${type}`,
      validator: {
        validate: (value, args) => (args?.object as { type?: string }).type !== type || (typeof value === 'string' && plausibleFor(type, value)),
      },
    },
    options,
  );
