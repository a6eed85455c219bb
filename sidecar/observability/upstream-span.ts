import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

/** One traced HTTP attempt to Gemini: headers carrying its traceparent, and how to end it. */
export interface AttemptTrace {
  headers: Record<string, string>;
  end(outcome: { status?: number; error?: Error }): void;
}

/**
 * An HTTP CLIENT span per upstream attempt, child of the active (GenAI) span, with the W3C trace context injected
 * into the request so Google's side joins the trace. Semconv stable HTTP client attributes; the URL carries no key
 * (it travels in x-goog-api-key).
 */
export function upstreamAttemptTracer(tracer: Tracer): (method: string, url: URL) => AttemptTrace {
  return (method, url) => {
    const span = tracer.startSpan(method, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'server.address': url.hostname,
        'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
        'url.full': url.href,
      },
    });
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    return {
      headers,
      end: ({ status, error }) => {
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (error || (status !== undefined && status >= 400)) {
          span.setAttribute('error.type', status !== undefined && status >= 400 ? String(status) : (error?.name ?? 'Error'));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  };
}
