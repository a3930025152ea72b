import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './request-validation.error';

/** The one validation pipe: unknown fields are refused, and errors keep their field paths. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
