import { ErrorCodes, notFound } from '@app/domain';
import { PipeTransform } from '@nestjs/common';

/**
 * optline's customer id in a path: a decimal integer that a bigint (and a JS number) holds
 * exactly. Anything else (`abc`, `0x1`, `1e3`, 99999999999999999999) names no customer: 404,
 * never a 500 from Postgres or another customer by another spelling of the number.
 */
export const nativeCustomerId: PipeTransform<string, number> = {
  transform(value: string): number {
    const id = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id)) throw notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier');
    return id;
  },
};
