import { PipeTransform } from '@nestjs/common';
import { RequestValidationError } from '../common/request-validation.error';

/** A loyalty program id in a path: a positive integer a JS number holds exactly, else a 400. */
export const programIdParam: PipeTransform<string, number> = {
  transform(value: string): number {
    const id = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id)) {
      throw new RequestValidationError([{ path: 'programId', property: 'programId', value, message: 'programId must be a positive integer' }]);
    }
    return id;
  },
};
