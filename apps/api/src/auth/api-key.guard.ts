import { OrgsService, unauthenticated } from '@app/domain';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../common/actor.decorator';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { BODY_TOKEN, IS_PUBLIC, OUTBOUND_REQUEST, OutboundWhen } from './auth.decorators';
import { parseAuthorization, PresentedCredentials } from './credentials';

/**
 * Every route needs a valid key unless marked @Public. A missing, wrong or revoked key is the
 * same bare 401, so the answer never tells which of the three it was. Each request also spends its
 * rate-limit budget here, where it is known whose request it is: the key's once authenticated, the
 * client IP's for public routes and for missing or wrong credentials.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly orgs: OrgsService,
    private readonly limits: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      await this.limits.spendPublic(reply, request.ip);
      return true;
    }
    // A locked-out IP is refused before its key costs a database lookup.
    await this.limits.refuseLockedOut(reply, request.ip);
    const credentials = this.credentialsOf(request, this.reflector.getAllAndOverride<string>(BODY_TOKEN, targets));
    const auth = credentials && (await this.orgs.authenticate(credentials.key, credentials.orgSlug));
    if (!auth) {
      await this.limits.spendFailedAuth(reply, request.ip);
      throw unauthenticated();
    }
    request.auth = auth;
    await this.limits.spendKey(reply, auth.apiKeyId, auth.rateLimitPerSecond);
    const outbound = this.reflector.get<OutboundWhen | undefined>(OUTBOUND_REQUEST, context.getHandler());
    if (outbound?.(request)) await this.limits.spendVerify(reply, auth.orgId);
    return true;
  }

  private credentialsOf(request: AuthenticatedRequest, bodyField?: string): PresentedCredentials | undefined {
    const fromHeader = parseAuthorization(request.headers.authorization);
    if (fromHeader || !bodyField) return fromHeader;
    const token = (request.body as Record<string, unknown> | undefined)?.[bodyField];
    return typeof token === 'string' && token.length > 0 ? { key: token } : undefined;
  }
}
