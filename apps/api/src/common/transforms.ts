/** class-transformer helpers the dialect DTOs share. */
type Input = { value: unknown };

export const upperCase = ({ value }: Input) => (typeof value === 'string' ? value.toUpperCase() : value);
export const lowerCase = ({ value }: Input) => (typeof value === 'string' ? value.toLowerCase() : value);
/** Numbers become strings (a phone or chat id sent as a JSON number). */
export const numberToString = ({ value }: Input) => (typeof value === 'number' ? String(value) : value);
/** Integer strings become numbers (ids sent as "1"). */
export const integerString = ({ value }: Input) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
/** "true"/"false" become booleans. */
export const booleanString = ({ value }: Input) => (value === 'true' ? true : value === 'false' ? false : value);
/** Strings lose surrounding white space (a topic written as ' 7' is topic 7, and '  ' is empty). */
export const trimmed = ({ value }: Input) => (typeof value === 'string' ? value.trim() : value);
