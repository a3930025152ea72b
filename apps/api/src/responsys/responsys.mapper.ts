import {
  Callback,
  CallbackInput,
  CallbackWithSecret,
  ErrorCodes,
  EVENT_CATALOGUE,
  invalid,
  SubscriptionInput,
  SubscriptionView,
  VerifyAttempt,
  VerifyResult,
} from '@app/domain';
import { CallbackDto } from './dto/callback.dto';
import { SubscriptionDto } from './dto/subscription.dto';

/** The name a create request gives, in either spelling; a PUT may repeat the path's name only. */
export function nameOf(kind: 'callback' | 'subscription', given: Array<string | undefined>, path?: string): string {
  const name = given.find((n) => n !== undefined);
  if (path !== undefined) {
    if (name !== undefined && name !== path) {
      throw invalid(ErrorCodes.NAME_MISMATCH, `The ${kind} name in the body (${name}) is not the one in the path (${path})`);
    }
    return path;
  }
  if (!name) {
    const code = kind === 'callback' ? ErrorCodes.CALLBACK_NAME_MISSING : ErrorCodes.SUBSCRIPTION_NAME_MISSING;
    throw invalid(code, `No ${kind} name given`);
  }
  return name;
}

export function toCallbackInput(body: CallbackDto): CallbackInput {
  const auth = body.authentication;
  const userName = auth?.userName ?? auth?.data?.userName;
  const password = auth?.password ?? auth?.data?.password;
  if (auth && (userName === undefined || password === undefined)) {
    throw invalid(ErrorCodes.INVALID_CALLBACK_AUTH, 'Basic authentication needs a userName and a password');
  }
  return {
    url: body.callBackUrl ?? body.url ?? '',
    backupUrl: body.backupUrl ?? null,
    auth: auth ? { user: userName!, password: password! } : null,
  };
}

export function toSubscriptionInput(body: SubscriptionDto): SubscriptionInput {
  return {
    callbackName: body.callBackName ?? body.callbackName,
    eventTypes: body.eventTypes ?? body.eventNames,
    status: body.status,
    statusReason: body.statusReason,
    filters: body.filters,
    batchSize: body.batchSize,
  };
}

/** A callback as Responsys shows it; the password is never shown. */
export function toCallbackBody(callback: Callback) {
  return {
    callBackName: callback.name,
    callBackUrl: callback.url,
    ...(callback.backupUrl ? { backupUrl: callback.backupUrl } : {}),
    ...(callback.authUser !== null ? { authentication: { type: 'B', userName: callback.authUser } } : {}),
  };
}

/** Shown on create and rotation only: optline keeps the secret but never shows it again. */
export function toCallbackWithSecretBody({ callback, signingSecret }: CallbackWithSecret) {
  return {
    ...toCallbackBody(callback),
    signingSecret,
    ...(callback.previousSecretExpiresAt ? { previousSecretExpiresAt: callback.previousSecretExpiresAt.toISOString() } : {}),
  };
}

export function toSubscriptionBody({ subscription, callback }: SubscriptionView) {
  return {
    subscriptionName: subscription.name,
    callBackUrl: callback.url,
    callBackName: callback.name,
    batchSize: subscription.batchSize,
    eventTypes: subscription.eventTypes,
    status: subscription.status,
    ...(subscription.statusReason !== null ? { statusReason: subscription.statusReason } : {}),
    filters: subscription.filters,
  };
}

const toAttemptBody = (a: VerifyAttempt) => ({
  url: a.url,
  success: a.success,
  statusCode: a.status,
  durationMs: a.durationMs,
  error: a.error,
});

export function toVerifyBody(result: VerifyResult) {
  const { url: callBackUrl, ...primary } = toAttemptBody(result.primary);
  return {
    callBackName: result.callback.name,
    callBackUrl,
    ...primary,
    ...(result.backup ? { backup: toAttemptBody(result.backup) } : {}),
  };
}

export function toEventListBody() {
  return EVENT_CATALOGUE.map((e) => ({ eventType: e.type, channel: e.channel, description: e.description }));
}

/** Oracle's answer to a delete: `{ "message": "CallBack [name ] deleted successfully", "status": true }`. */
export const deletedBody = (what: 'CallBack' | 'Subscription', name: string) => ({
  message: `${what} [${name} ] deleted successfully`,
  status: true,
});
