import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { Histogram, LabelValues } from 'prom-client';

/**
 * Observes a histogram value, attaching `trace_id`/`span_id` exemplars when the registry is OpenMetrics (with
 * exemplars on, prom-client only accepts the object form) and the span is sampled, so the link leads to a kept trace.
 */
export function observeWithExemplar<T extends string>(
  histogram: Histogram<T>,
  openMetrics: boolean,
  labels: LabelValues<T>,
  value: number,
  spanContext: SpanContext | undefined,
): void {
  if (!openMetrics) {
    histogram.observe(labels, value);
    return;
  }
  const sampled = spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const exemplar = sampled ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
  // prom-client types exemplar labels as the metric's own label names; at runtime any names are taken (≤128 chars).
  histogram.observe({ labels, value, exemplarLabels: exemplar as unknown as LabelValues<T> });
}
