import { ErrorCodes, notFound } from '@app/domain';
import { ParseIntPipe } from '@nestjs/common';

/** A customer id in a path: anything but a number is an unknown customer (404), never a 400 that hints at a format. */
export const customerIdPipe = new ParseIntPipe({
  exceptionFactory: () => notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier'),
});
