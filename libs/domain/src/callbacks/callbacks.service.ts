import { APP_CONFIG, AppConfig } from '@app/config';
import { assertCallbackUrlAllowed, CallbackUrlError, generateSigningSecret, signWebhook, WebhookResponse, WebhookSender } from '@app/webhooks';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { conflict, ErrorCodes, invalid, notFound } from '../common/domain-error';
import { EventNotifier } from '../events/event-notifier';
import { Callback } from './callback.entity';
import { EventSubscription } from './event-subscription.entity';
import { lockOrgSubscriptions } from './org-lock';

/** After a rotation the old secret keeps signing (alongside the new one) this long. */
export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 60 * 60 * 1000;

export interface CallbackInput {
  url: string;
  backupUrl?: string | null;
  /** Basic auth sent with every webhook. */
  auth?: { user: string; password: string } | null;
}

/** A callback with its signing secret, returned only when the secret is created or rotated. */
export interface CallbackWithSecret {
  callback: Callback;
  signingSecret: string;
}

export interface VerifyAttempt extends Omit<WebhookResponse, 'retryAfterSeconds'> {
  url: string;
  success: boolean;
}

export interface VerifyResult {
  callback: Callback;
  primary: VerifyAttempt;
  backup: VerifyAttempt | null;
}

export const callbackNotFound = (callbackName: string, subscriptionName?: string) =>
  notFound(ErrorCodes.CALLBACK_NOT_FOUND, `No callback named ${callbackName}`, { callbackName, subscriptionName });

/** The secrets that sign a webhook now: the current one, and the previous one until it expires. */
export function activeSecrets(callback: Callback, now = new Date()): string[] {
  const previousValid = callback.previousSigningSecret && callback.previousSecretExpiresAt && callback.previousSecretExpiresAt > now;
  return previousValid ? [callback.signingSecret, callback.previousSigningSecret!] : [callback.signingSecret];
}

/** Callbacks of an org: where webhooks go, how they authenticate, and the secrets that sign them. */
@Injectable()
export class CallbacksService implements OnModuleDestroy {
  private sender?: WebhookSender;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: EventNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(orgId: string, name: string, input: CallbackInput): Promise<CallbackWithSecret> {
    await this.checkUrls(input);
    const signingSecret = generateSigningSecret();
    const callback = await this.inLock(orgId, async (manager) => {
      if (await manager.findOneBy(Callback, { orgId, name })) {
        throw conflict(ErrorCodes.CALLBACK_EXISTS, `A callback named ${name} already exists`, { callbackName: name });
      }
      return manager.save(manager.create(Callback, { orgId, name, signingSecret, ...this.columnsOf(input) }));
    });
    return { callback, signingSecret };
  }

  async list(orgId: string): Promise<Callback[]> {
    return this.dataSource.getRepository(Callback).find({ where: { orgId }, order: { name: 'ASC' } });
  }

  async get(orgId: string, name: string): Promise<Callback> {
    return this.find(this.dataSource.manager, orgId, name);
  }

  /** Replaces the URLs and authentication; the name and the secrets stay. */
  async update(orgId: string, name: string, input: CallbackInput): Promise<Callback> {
    await this.checkUrls(input);
    return this.inLock(orgId, async (manager) => {
      const callback = await this.find(manager, orgId, name);
      // Only the replaced columns: a save would re-seal the unchanged secrets under a fresh IV.
      await manager.update(Callback, { id: callback.id, orgId }, this.columnsOf(input));
      return this.find(manager, orgId, name);
    });
  }

  /** Refused while a subscription still sends to it. */
  async delete(orgId: string, name: string): Promise<Callback> {
    return this.inLock(orgId, async (manager) => {
      const callback = await this.find(manager, orgId, name);
      const users = await manager.find(EventSubscription, { where: { orgId, callbackId: callback.id }, order: { name: 'ASC' } });
      if (users.length) {
        throw invalid(ErrorCodes.CALLBACK_IN_USE, `Callback ${name} is used by subscriptions ${users.map((s) => s.name).join(', ')}`, {
          callbackName: name,
          subscriptions: users.map((s) => s.name),
        });
      }
      await manager.delete(Callback, { id: callback.id, orgId });
      return callback;
    });
  }

  /** A new secret; the old one keeps signing for 24 hours so consumers can switch without a gap. */
  async rotateSecret(orgId: string, name: string, now = new Date()): Promise<CallbackWithSecret> {
    const signingSecret = generateSigningSecret();
    const callback = await this.inLock(orgId, async (manager) => {
      const found = await this.find(manager, orgId, name);
      found.previousSigningSecret = found.signingSecret;
      found.previousSecretExpiresAt = new Date(now.getTime() + PREVIOUS_SECRET_VALIDITY_MS);
      found.signingSecret = signingSecret;
      return manager.save(found);
    });
    return { callback, signingSecret };
  }

  /** Sends a signed test request to the callback (and its backup URL) and reports what came back. */
  async verify(orgId: string, name: string): Promise<VerifyResult> {
    const callback = await this.get(orgId, name);
    const body = JSON.stringify({
      type: 'optline.callback.verify',
      callBackName: callback.name,
      sentAt: new Date().toISOString(),
      events: [],
    });
    const headers: Record<string, string> = { ...signWebhook(`verify_${randomUUID()}`, body, activeSecrets(callback)) };
    if (callback.authUser !== null) {
      headers.authorization = `Basic ${Buffer.from(`${callback.authUser}:${callback.authPassword ?? ''}`).toString('base64')}`;
    }
    const attempt = async (url: string): Promise<VerifyAttempt> => {
      const { retryAfterSeconds: _ignored, ...response } = await this.webhookSender().send({
        url,
        body,
        headers,
        timeoutMs: this.config.webhooks.timeoutMs,
      });
      const success = response.status !== null && response.status >= 200 && response.status < 300;
      return { url, success, ...response };
    };
    return {
      callback,
      primary: await attempt(callback.url),
      backup: callback.backupUrl ? await attempt(callback.backupUrl) : null,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.sender?.close();
  }

  private async find(manager: EntityManager, orgId: string, name: string): Promise<Callback> {
    const callback = await manager.findOneBy(Callback, { orgId, name });
    if (!callback) throw callbackNotFound(name);
    return callback;
  }

  /** Runs a write under the org's subscription lock, then tells the worker to drop its caches. */
  private async inLock<T>(orgId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(async (manager) => {
      await lockOrgSubscriptions(manager, orgId);
      return work(manager);
    });
    await this.notifier.subscriptionChanged({ orgId });
    return result;
  }

  private columnsOf(input: CallbackInput): Partial<Callback> {
    return {
      url: input.url,
      backupUrl: input.backupUrl ?? null,
      authUser: input.auth?.user ?? null,
      authPassword: input.auth?.password ?? null,
    };
  }

  /** Scheme, credentials and the resolved address of both URLs (the sender checks again on connect). */
  private async checkUrls(input: CallbackInput): Promise<void> {
    const allowPrivate = this.config.webhooks.allowPrivateCallbackUrls;
    for (const [field, label, url] of [
      ['url', 'Callback URL', input.url],
      ['backupUrl', 'Backup URL', input.backupUrl],
    ] as const) {
      if (!url) {
        if (field === 'url') throw invalid(ErrorCodes.INVALID_CALLBACK_URL, `${label}: none given`, { field });
        continue;
      }
      try {
        await assertCallbackUrlAllowed(url, allowPrivate);
      } catch (error) {
        if (!(error instanceof CallbackUrlError)) throw error;
        throw invalid(ErrorCodes.INVALID_CALLBACK_URL, `${label}: ${error.message}`, { field });
      }
    }
  }

  private webhookSender(): WebhookSender {
    this.sender ??= new WebhookSender({ allowPrivate: this.config.webhooks.allowPrivateCallbackUrls, connections: 4 });
    return this.sender;
  }
}
