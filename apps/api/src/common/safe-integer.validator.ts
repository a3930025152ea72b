import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * An integer that a JS number holds exactly, and so every bigint column and OFFSET too. IsInt
 * alone takes 1e20 (an integer, but 100000000000000000000 in SQL: a 500 from a bigint, or a
 * campaign id silently rounded), so every integer a request carries is checked with this instead.
 */
export function IsSafeInteger(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSafeInteger',
      validator: {
        validate: (value) => Number.isSafeInteger(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an integer between -(2^53-1) and 2^53-1`, options),
      },
    },
    options,
  );
}
