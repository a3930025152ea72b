import { ValidationOptions, Matches } from 'class-validator';

/** Callback and subscription names travel in URL paths: letters, digits, `_`, `.` and `-`, at most 100. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export const IsResponsysName = (options?: ValidationOptions) =>
  Matches(NAME_PATTERN, { message: "$property must be 1 to 100 letters, digits, '_', '.' or '-'", ...options });

/** The pages write event types as a JSON array or as a comma-separated list: accept both. */
export const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value;
