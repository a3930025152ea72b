import { ErrorCodes } from '@app/domain';
import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { classifyFailure, Failure } from '../common/failure';

type Details = Record<string, unknown>;

/**
 * Responsys's wording of each domain failure. The seed 003 texts are copied to the letter,
 * spacing included (`[name ]`, `[ TYPE ]`, "does not exists"); the rest follow the same voice.
 */
const DETAIL: Record<string, (d: Details) => string> = {
  [ErrorCodes.SUBSCRIPTION_NOT_FOUND]: (d) => `Subscription with name [${d.subscriptionName} ] not found`,
  // Seed 003 words a missing callback with the subscription's name; outside a subscription
  // request Oracle's callback pages say "CallBack [name] not found".
  [ErrorCodes.CALLBACK_NOT_FOUND]: (d) =>
    d.subscriptionName !== undefined
      ? `Subscription [${d.subscriptionName} ] does not exists`
      : `CallBack [${d.callbackName}] not found`,
  [ErrorCodes.EVENT_TYPE_UNKNOWN]: (d) => `Event Type [ ${d.eventType} ] not found or is not supported`,
  [ErrorCodes.EVENT_TYPES_EMPTY]: () => 'Event type is empty or null',
  [ErrorCodes.SUBSCRIPTION_STATUS_MISSING]: () => 'Subscription status cannot be empty or null',
  [ErrorCodes.SUBSCRIPTION_STATUS_INVALID]: () => 'Subscription status can only be ACTIVE or PAUSED',
  [ErrorCodes.EVENT_TYPES_DUPLICATE]: () => 'Duplicate event types found in the request',
  [ErrorCodes.EVENT_TYPE_ALREADY_SUBSCRIBED]: (d) =>
    `There's an active subscription for event [ ${d.eventType} ] with other subscriptions`,
  // optline's, where the pages are silent.
  [ErrorCodes.CALLBACK_NAME_MISSING]: () => 'Callback name cannot be empty or null',
  [ErrorCodes.SUBSCRIPTION_NAME_MISSING]: () => 'Subscription name cannot be empty or null',
  [ErrorCodes.CALLBACK_EXISTS]: (d) => `CallBack with name [${d.callbackName} ] already exists`,
  [ErrorCodes.SUBSCRIPTION_EXISTS]: (d) => `Subscription with same name [${d.subscriptionName} ] already exists`,
  [ErrorCodes.CALLBACK_IN_USE]: (d) =>
    `CallBack [${d.callbackName} ] is used by subscriptions [${(d.subscriptions as string[]).join(', ')} ]; delete them first`,
};

const TITLES: Record<number, [title: string, errorCode: string]> = {
  [HttpStatus.BAD_REQUEST]: ['Invalid request parameters', 'INVALID_PARAMETER'],
  [HttpStatus.UNAUTHORIZED]: ['Unauthorized', 'UNAUTHORIZED'],
  [HttpStatus.NOT_FOUND]: ['Object not found', 'OBJECT_NOT_FOUND'],
  [HttpStatus.CONFLICT]: ['Object already exists', 'OBJECT_ALREADY_EXISTS'],
  [HttpStatus.PAYLOAD_TOO_LARGE]: ['Payload too large', 'PAYLOAD_TOO_LARGE'],
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ['Unsupported media type', 'UNSUPPORTED_MEDIA_TYPE'],
  [HttpStatus.INTERNAL_SERVER_ERROR]: ['Internal server error', 'INTERNAL_SERVER_ERROR'],
};

export interface ResponsysError {
  type: string;
  title: string;
  errorCode: string;
  detail: string;
  errorDetails: Array<{ field: string; detail: string }>;
}

export function responsysError(failure: Failure): ResponsysError {
  const [title, errorCode] = TITLES[failure.status] ?? [readableTitle(failure.code), failure.code];
  const detail =
    failure.status === 401
      ? 'Unauthorized'
      : failure.domain
        ? (DETAIL[failure.code]?.(failure.domain.details) ?? failure.message)
        : failure.message;
  const errorDetails = failure.issues.map((i) => ({ field: i.path, detail: i.message }));
  return { type: '', title, errorCode, detail, errorDetails };
}

/** `METHOD_NOT_ALLOWED` -> `Method not allowed`: a title is words, the code is in errorCode. */
function readableTitle(code: string): string {
  const words = code.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every Responsys route answers every failure (validation, 401, 404, 500) with Responsys's body. */
@Catch()
export class ResponsysExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const failure = classifyFailure(exception);
    host.switchToHttp().getResponse<FastifyReply>().status(failure.status).send(responsysError(failure));
  }
}
