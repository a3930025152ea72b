import { DomainError } from '@app/domain';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { RequestValidationError } from '../common/request-validation.error';
import { requireWmFormat } from './wm-format';

export const TRACKING_ID = 'request-tracking-id';
export const CLIENT_ID = 'clientid';

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value.trim() : '';
};

/**
 * WM's headers, checked after the API key and before the body: ClientId is part of WM's
 * credentials (401 when missing), Request-Tracking-Id is required (400), Accept must be JSON or XML (406).
 */
@Injectable()
export class WmHeadersGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!header(request, CLIENT_ID)) {
      throw new DomainError('unauthenticated', 'CLIENT_ID_MISSING', 'The ClientId header is required', { field: 'ClientId' });
    }
    if (!header(request, TRACKING_ID)) {
      throw new RequestValidationError([
        { path: 'Request-Tracking-Id', property: 'Request-Tracking-Id', value: undefined, message: 'The Request-Tracking-Id header is required' },
      ]);
    }
    requireWmFormat(request);
    return true;
  }
}

export const trackingIdOf = (request: FastifyRequest) => header(request, TRACKING_ID);
export const clientIdOf = (request: FastifyRequest) => header(request, CLIENT_ID);
