import { applyDecorators } from '@nestjs/common';
import { IsObject, ValidateNested, ValidationOptions } from 'class-validator';

/**
 * A nested DTO (or, with `each`, every item of a list of them): it must be an object, then it is
 * validated. ValidateNested alone lets an array stand where an object belongs (`"preferences":
 * [[]]` passed as a list of nothing and failed as a 500 in the mapper).
 */
export const NestedObject = (options?: ValidationOptions) => applyDecorators(IsObject(options), ValidateNested(options));
