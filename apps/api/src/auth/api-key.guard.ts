import { OrgsService, unauthenticated } from '@app/domain';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest } from '../common/actor.decorator';
import { BODY_TOKEN, IS_PUBLIC } from './auth.decorators';
import { parseAuthorization, PresentedCredentials } from './credentials';

/**
 * Every route needs a valid key unless marked @Public. A missing, wrong or revoked key is the
 * same bare 401, so the answer never tells which of the three it was.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly orgs: OrgsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credentials = this.credentialsOf(request, this.reflector.getAllAndOverride<string>(BODY_TOKEN, targets));
    const auth = credentials && (await this.orgs.authenticate(credentials.key, credentials.orgSlug));
    if (!auth) throw unauthenticated();
    request.auth = auth;
    return true;
  }

  private credentialsOf(request: AuthenticatedRequest, bodyField?: string): PresentedCredentials | undefined {
    const fromHeader = parseAuthorization(request.headers.authorization);
    if (fromHeader || !bodyField) return fromHeader;
    const token = (request.body as Record<string, unknown> | undefined)?.[bodyField];
    return typeof token === 'string' && token.length > 0 ? { key: token } : undefined;
  }
}
