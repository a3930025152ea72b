import { ExceptionFilter } from '@nestjs/common';
import { AltcraftExceptionFilter } from '../altcraft/altcraft-exception.filter';
import { CapillaryExceptionFilter } from '../capillary/capillary-exception.filter';
import { ResponsysExceptionFilter } from '../responsys/responsys-exception.filter';
import { RESPONSYS_PREFIX } from '../responsys/responsys.prefix';
import { WmExceptionFilter } from '../wm/wm-exception.filter';

export type Dialect = 'responsys' | 'capillary' | 'altcraft' | 'wm' | 'native';

/** Which vendor's error body a path answers in; everything else is optline's own (native). */
const DIALECT_BY_PREFIX: ReadonlyArray<readonly [prefix: string, dialect: Exclude<Dialect, 'native'>]> = [
  [`/${RESPONSYS_PREFIX}/`, 'responsys'],
  ['/v2/', 'capillary'],
  ['/v1.1/', 'capillary'],
  ['/api/v1.1/', 'altcraft'],
  ['/api/v1/', 'wm'],
];

export function dialectOfPath(path: string): Dialect {
  return DIALECT_BY_PREFIX.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'native';
}

const FILTERS = {
  responsys: new ResponsysExceptionFilter(),
  capillary: new CapillaryExceptionFilter(),
  altcraft: new AltcraftExceptionFilter(),
  wm: new WmExceptionFilter(),
};

/**
 * Failures raised before a controller's own filter can run (a body that is not JSON, a body too
 * large, a path no route matches, a URL Fastify cannot decode) reach only the global filter; under
 * these prefixes it hands them to the dialect's filter, so every answer under a dialect's prefix
 * gets that vendor's error body. Altcraft's `/api/v1.1/` is told from WM's `/api/v1/` by its slash.
 */
export const DIALECT_FILTER_BY_PREFIX: ReadonlyArray<readonly [prefix: string, filter: ExceptionFilter]> = DIALECT_BY_PREFIX.map(
  ([prefix, dialect]) => [prefix, FILTERS[dialect]] as const,
);
