import { ValueTransformer } from 'typeorm';

/** pg returns BIGINT as a string; ids stay far below 2^53, so numbers are safe and match the APIs. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
