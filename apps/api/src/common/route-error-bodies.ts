import { responsysError } from '../responsys/responsys-exception.filter';
import { RESPONSYS_PREFIX } from '../responsys/responsys.prefix';
import { Failure } from './failure';

/**
 * Failures raised before a controller's own filter can run (a body that is not JSON, a path no
 * route matches) reach only the global filter; under these prefixes it still answers in the
 * dialect's error body.
 */
export const ERROR_BODY_BY_PREFIX: ReadonlyArray<readonly [prefix: string, render: (failure: Failure) => unknown]> = [
  [`/${RESPONSYS_PREFIX}/`, responsysError],
];
