import { ErrorCodes } from '@app/domain';
import { ArgumentsHost, Catch, ExceptionFilter, Optional } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { classifyFailure, Failure } from '../common/failure';
import { CapillaryCode } from './capillary-codes';

const DOMAIN_CODES: Record<string, number> = {
  [ErrorCodes.CUSTOMER_NOT_FOUND]: CapillaryCode.CUSTOMER_NOT_FOUND,
  [ErrorCodes.CUSTOMER_NOT_IN_SOURCE]: CapillaryCode.NOT_IN_SOURCE,
  [ErrorCodes.IDENTIFIER_TAKEN]: CapillaryCode.IDENTIFIER_IN_SAME_SOURCE,
  [ErrorCodes.PROFILE_EXISTS]: CapillaryCode.PROFILE_IN_SAME_SOURCE,
  [ErrorCodes.IDENTIFIERS_SPAN_CUSTOMERS]: CapillaryCode.IDENTIFIERS_SPAN_CUSTOMERS,
  [ErrorCodes.CUSTOMER_ALREADY_MERGED]: CapillaryCode.IDENTIFIERS_SPAN_CUSTOMERS,
  [ErrorCodes.IDENTIFIER_ALREADY_HELD]: CapillaryCode.PROFILE_IN_SAME_SOURCE,
  [ErrorCodes.IDENTIFIER_NOT_HELD]: CapillaryCode.INVALID_IDENTIFIER,
  [ErrorCodes.CUSTOMER_MERGED]: CapillaryCode.CUSTOMER_MERGED,
  [ErrorCodes.PROFILE_CONFLICT]: CapillaryCode.PROFILE_IN_SAME_SOURCE,
  [ErrorCodes.LOYALTY_DOWNGRADE]: CapillaryCode.LOYALTY_DOWNGRADE,
};

/** A route's own reading of domain codes, where its page numbers an error differently. */
export type DomainCodeOverrides = Partial<Record<string, number>>;

export interface CapillaryError {
  code: number;
  message: string;
}

/** Capillary's error list for any failure; validation issues keep the field path in the message. */
export function capillaryErrors(failure: Failure, overrides: DomainCodeOverrides = {}): CapillaryError[] {
  if (failure.kind === 'validation') {
    return failure.issues.map((issue) => ({
      code: Number(issue.context?.code ?? CapillaryCode.INVALID_REQUEST),
      message: `${issue.message} (${issue.path})`,
    }));
  }
  if (failure.status === 401) return [{ code: CapillaryCode.UNAUTHORIZED, message: 'Unauthorized' }];
  if (failure.kind === 'domain') {
    const code = overrides[failure.code] ?? DOMAIN_CODES[failure.code] ?? CapillaryCode.INVALID_REQUEST;
    return [{ code, message: failure.message }];
  }
  if (failure.kind === 'internal') return [{ code: CapillaryCode.INTERNAL, message: failure.message }];
  return [{ code: failure.status, message: failure.message }];
}

/**
 * Every Capillary route answers failures as `{ "errors": [{ code, message }], "warnings": [] }`.
 * A route whose page numbers a domain error differently passes its own filter with overrides.
 */
@Catch()
export class CapillaryExceptionFilter implements ExceptionFilter {
  // @Optional: controllers that name the class get it from Nest's injector, without overrides.
  constructor(@Optional() private readonly overrides: DomainCodeOverrides = {}) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const failure = classifyFailure(exception);
    host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(failure.status)
      .send({ errors: capillaryErrors(failure, this.overrides), warnings: [] });
  }
}
