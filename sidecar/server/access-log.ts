import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger';
import type { SidecarMetrics } from '../observability/metrics';
import { observeWithExemplar } from '../observability/observe';
import type { RequestDescription } from '../routes/request-context';
import type { Consumer } from '../spend/consumer-identity';
import { writeAccessLine } from './access-line';

/** `http_route` label for requests no route matched; the raw path is never a label. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * One access-log line and one `http_server_request_duration_seconds` observation per request, when its response
 * ends or the client leaves: method, route template, status, latency, plus what the route described (model, stream,
 * tokens, finish reasons) and the trace it ran in.
 */
export function accessLog(logger: Logger, metrics: SidecarMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const spanContext = trace.getActiveSpan()?.spanContext();
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = (res.locals.routeLabel as string | undefined) ?? (req.route as { path?: string } | undefined)?.path ?? UNMATCHED_ROUTE;
      const labels = { http_request_method: req.method, http_route: route, http_response_status_code: String(res.statusCode) };
      observeWithExemplar(metrics.httpServerDuration, metrics.openMetrics, labels, seconds, spanContext);
      writeAccessLine(logger, {
        method: req.method,
        route,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        completed: res.writableFinished,
        consumer: res.locals.consumer as Consumer | undefined,
        description: res.locals.description as RequestDescription | undefined,
        spanContext,
      });
    });
    next();
  };
}
