import { loadConfig } from '@app/config';
import { Params } from 'nestjs-pino';

/**
 * JSON logs; keys and passwords are redacted wherever they appear in a logged request.
 *
 * Access logs (one line per request) only at debug and trace. Below that the per-request
 * middleware is not mounted at all: it costs about a tenth of the API's throughput (a child
 * logger and an async context per request) for lines nobody asked for. Errors are still logged
 * by the exception filters.
 */
export function loggerOptions(): Params {
  const level = loadConfig().logLevel;
  const accessLogs = level === 'debug' || level === 'trace';
  return {
    pinoHttp: {
      level,
      autoLogging: accessLogs,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'debug'),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.token', 'req.body.password'],
      genReqId: (req) => (req as { id?: string }).id ?? '',
    },
    ...(accessLogs ? {} : { forRoutes: [] }),
  };
}
