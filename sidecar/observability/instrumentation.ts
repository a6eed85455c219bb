import '../require-supported-node';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { loadOnFirstUse } from '../util/load-on-first-use';
import { exportsNoSpans, startTraceContextOnly } from './trace-context-only';

/**
 * OpenTelemetry bootstrap, loaded before the app with `node --require` so the global tracer provider, context
 * manager and propagators exist before any request. Configured only by the standard OTEL_* variables: exporter,
 * endpoint, sampler, propagators, OTEL_SDK_DISABLED. Metrics are prom-client's and logs are pino's, so the SDK's own
 * metric and log pipelines are off (sdk-node would otherwise start an OTLP metric push by default).
 *
 * No instrumentation packages: the HTTP server span (http-server-span.ts) and the upstream attempt span
 * (upstream-span.ts) are the sidecar's own. The http and undici instrumentations' generic per-request work (emitter
 * binding, module patching, attribute extraction before sampling) cost about as much CPU as the whole translation,
 * sampled or not (README, Performance).
 */
const env = process.env;
const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
const serviceNameFromEnv = env.OTEL_SERVICE_NAME ?? /(?:^|,)\s*service\.name=/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[0];

function startSdk(): NodeSDK {
  // Only when spans are exported (trace-context-only.ts).
  const { NodeSDK: Sdk } = loadOnFirstUse<typeof import('@opentelemetry/sdk-node')>('@opentelemetry/sdk-node');
  const started = new Sdk({
    ...(serviceNameFromEnv ? {} : { serviceName: 'openai-gemini-sidecar' }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  started.start();
  return started;
}

// OTEL_TRACES_EXPORTER=none (the chart's default): what sdk-node would register, without loading it.
const exportsNothing = !disabled && exportsNoSpans();
if (exportsNothing) startTraceContextOnly();
const sdk = disabled || exportsNothing ? undefined : startSdk();

/** Flushes spans on shutdown; main.ts calls it after the servers closed. */
export function shutdownTelemetry(): Promise<void> {
  return sdk?.shutdown() ?? Promise.resolve();
}
