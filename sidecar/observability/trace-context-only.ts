import { context, propagation, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, getStringListFromEnv, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { loadOnFirstUse } from '../util/load-on-first-use';

/**
 * True when OTEL_TRACES_EXPORTER asks for no export. sdk-node then builds no tracer provider and no span pipeline
 * (its first listed exporter decides: "none" first means none, even with others after it), and only installs the
 * context manager and the propagators, yet its import loads every exporter it could build (gRPC, Zipkin, OTLP, logs,
 * metrics): about 36 MB of an idle sidecar's RSS.
 */
export function exportsNoSpans(): boolean {
  return [...new Set(getStringListFromEnv('OTEL_TRACES_EXPORTER'))].filter((name) => name !== 'null')[0] === 'none';
}

type PropagatorFactory = () => TextMapPropagator;

function b3(multi: boolean): TextMapPropagator {
  // Loaded only when OTEL_PROPAGATORS names it.
  const { B3Propagator, B3InjectEncoding } = loadOnFirstUse<typeof import('@opentelemetry/propagator-b3')>('@opentelemetry/propagator-b3');
  return new B3Propagator(multi ? { injectEncoding: B3InjectEncoding.MULTI_HEADER } : {});
}

const PROPAGATORS: Record<string, PropagatorFactory> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => b3(false),
  b3multi: () => b3(true),
};

/** The propagator OTEL_PROPAGATORS names, as sdk-node picks it (unset: trace context and baggage; "none": none). */
export function propagatorFromEnv(): TextMapPropagator | undefined {
  const listed = getStringListFromEnv('OTEL_PROPAGATORS');
  if (listed === undefined) return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  const names = [...new Set(listed)];
  if (names.includes('none')) return undefined;
  const known = names.flatMap((name) => (PROPAGATORS[name] ? [PROPAGATORS[name]()] : []));
  if (known.length === 0) return undefined;
  return names.length === 1 ? known[0] : new CompositePropagator({ propagators: known });
}

/** What sdk-node registers when no spans are exported: the async-local-storage context manager and the propagators. */
export function startTraceContextOnly(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator = propagatorFromEnv();
  if (propagator) propagation.setGlobalPropagator(propagator);
}
