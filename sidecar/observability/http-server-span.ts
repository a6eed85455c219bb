import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

/**
 * The HTTP SERVER span of each API request, continuing the caller's W3C trace context, named `{method} {route}` once
 * a route matched (semconv stable HTTP server attributes). Written here instead of using the HTTP instrumentation,
 * whose per-request emitter binding and attribute work cost as much CPU as the whole translation (see README,
 * Performance). The body reader (json-body.ts, or raw-body behind it) binds its callback to the async context, so
 * handlers run inside it.
 */
export function httpServerSpan(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': req.path,
          'url.scheme': 'http',
          'network.protocol.version': req.httpVersion,
          ...(req.headers['user-agent'] ? { 'user_agent.original': req.headers['user-agent'] } : {}),
          ...(req.socket.remoteAddress ? { 'client.address': req.socket.remoteAddress } : {}),
        },
      },
      parent,
    );
    res.once('close', () => {
      // Only a path template is an http.route; the passthrough's metric label `native` is not one.
      const route = (req.route as { path?: string } | undefined)?.path;
      if (route) {
        span.setAttribute('http.route', route);
        span.updateName(`${req.method} ${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) {
        span.setAttribute('error.type', String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

