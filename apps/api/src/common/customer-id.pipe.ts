import { ErrorCodes, notFound } from '@app/domain';
import { ParseIntPipe } from '@nestjs/common';

/** optline's customer id in a native path: anything but an integer is an unknown customer (404). */
export const nativeCustomerId = new ParseIntPipe({
  exceptionFactory: () => notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier'),
});
