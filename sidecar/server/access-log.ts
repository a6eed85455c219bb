import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger';

/** One log line per request when its response ends or the client leaves: method, path, status, duration. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          completed: res.writableFinished,
        },
        'request',
      );
    });
    next();
  };
}
