import { isPhoneNumberLike } from '@app/domain';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * The value can be a phone number (digits and separators, 5 to 15 digits after an optional `+` or
 * `00`); the domain then reads it as E.164. Only the shape is checked, not the numbering plans,
 * so a possible number no plan knows (seed 004's 1233454567) passes. With `appliesTo`, only
 * objects it accepts are checked (an identifier whose type is mobile).
 */
export function IsPhoneNumberLike(options?: ValidationOptions, appliesTo?: (object: object) => boolean): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPhoneNumberLike',
      validator: {
        validate: (value, args) =>
          (appliesTo !== undefined && !appliesTo(args!.object)) || (typeof value === 'string' && isPhoneNumberLike(value)),
        defaultMessage: () => '$property must be a phone number',
      },
    },
    options,
  );
}
