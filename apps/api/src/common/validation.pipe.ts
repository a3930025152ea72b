import { ArgumentMetadata, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { passesPrecheck } from './schema-precheck';
import { findTextDefect } from './request-text';
import { flattenValidationErrors, RequestValidationError } from './request-validation.error';

/**
 * Path parameters reach their own pipes as the caller wrote them: the stock pipe would turn
 * `0x1` or `1e3` into a number before a route's pipe could refuse it (`nativeCustomerId`).
 * Every argument is first checked for text Postgres cannot store (a `%00` in a path or a query):
 * bodies were checked as they were parsed, paths and queries are checked here, once for all routes.
 */
class RequestValidationPipe extends ValidationPipe {
  constructor(
    options: ValidationPipeOptions,
    private readonly usePrechecks: boolean,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const defect = metadata.type === 'body' ? undefined : findTextDefect(value);
    if (defect) {
      const path = [metadata.data, defect.path].filter(Boolean).join('.') || metadata.type;
      throw new RequestValidationError([{ path, property: path, value: undefined, message: `${path} ${defect.message}` }]);
    }
    // Hot input that its DTO's compiled schema accepts needs no class-validator (schema-precheck.ts).
    const prechecked = metadata.type === 'body' || metadata.type === 'query';
    if (this.usePrechecks && prechecked && passesPrecheck(metadata.metatype, value)) return value;
    return super.transform(value, metadata);
  }

  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

/**
 * The one validation pipe: unknown fields are refused, and errors keep their field paths.
 * `usePrechecks: false` validates all input through its DTO (the reference the prechecks are tested against).
 */
export function createValidationPipe({ usePrechecks = true }: { usePrechecks?: boolean } = {}): ValidationPipe {
  return new RequestValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
    },
    usePrechecks,
  );
}
