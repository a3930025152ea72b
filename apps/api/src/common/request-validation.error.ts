import { ValidationError } from 'class-validator';

/** One reason a request was refused, with the path of the offending field (`subscriptions[3].priority`). */
export interface ValidationIssue {
  path: string;
  property: string;
  value: unknown;
  message: string;
  /** Dialect-specific data attached to the constraint, such as Capillary's error code. */
  context?: Record<string, unknown>;
}

/** Thrown by the global ValidationPipe; each dialect's filter renders it in its own error body. */
export class RequestValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): ValidationIssue[] {
  return errors.flatMap((error) => {
    const segment = /^\d+$/.test(error.property) ? `[${error.property}]` : parent ? `.${error.property}` : error.property;
    const path = `${parent}${segment}`;
    const own = Object.entries(error.constraints ?? {}).map(([name, message]) => ({
      path,
      property: error.property,
      value: error.value,
      message,
      context: error.contexts?.[name],
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}
