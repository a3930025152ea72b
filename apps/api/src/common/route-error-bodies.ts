import { ExceptionFilter } from '@nestjs/common';
import { AltcraftExceptionFilter } from '../altcraft/altcraft-exception.filter';
import { CapillaryExceptionFilter } from '../capillary/capillary-exception.filter';
import { ResponsysExceptionFilter } from '../responsys/responsys-exception.filter';
import { RESPONSYS_PREFIX } from '../responsys/responsys.prefix';
import { WmExceptionFilter } from '../wm/wm-exception.filter';

/**
 * Failures raised before a controller's own filter can run (a body that is not JSON, a body too
 * large, a path no route matches, a URL Fastify cannot decode) reach only the global filter; under
 * these prefixes it hands them to the dialect's filter, so every answer under a dialect's prefix
 * gets that vendor's error body. Altcraft's `/api/v1.1/` is told from WM's `/api/v1/` by its slash.
 */
export const DIALECT_FILTER_BY_PREFIX: ReadonlyArray<readonly [prefix: string, filter: ExceptionFilter]> = [
  [`/${RESPONSYS_PREFIX}/`, new ResponsysExceptionFilter()],
  ['/v2/', new CapillaryExceptionFilter()],
  ['/v1.1/', new CapillaryExceptionFilter()],
  ['/api/v1.1/', new AltcraftExceptionFilter()],
  ['/api/v1/', new WmExceptionFilter()],
];
