import { ActorContext, AuthenticatedKey, Dialect } from '@app/domain';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthenticatedKey };

/** The caller as the domain sees it: the key's org, the dialect, and where the request came from. */
export const Actor = createParamDecorator((dialect: Dialect, ctx: ExecutionContext): ActorContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.auth) throw new Error('Actor used on a route without authentication');
  const userAgent = request.headers['user-agent'];
  return {
    orgId: request.auth.orgId,
    apiKeyId: request.auth.apiKeyId,
    dialect,
    phoneRegion: request.auth.phoneRegion,
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    requestId: String(request.id),
  };
});
