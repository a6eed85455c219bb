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
export function upstreamAttemptTracer(tracer: Tracer, baseUrl: string): (method: string, path: string) => AttemptTrace {
  // Parsed once: the attributes that do not change per attempt.
  const base = new URL(baseUrl);
  const origin = base.origin;
  const serverAttributes = {
    'server.address': base.hostname,
    'server.port': Number(base.port) || (base.protocol === 'https:' ? 443 : 80),
  };
  return (method, path) => {
    const span = tracer.startSpan(method, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': method, ...serverAttributes, 'url.full': `${origin}${path}` },
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
