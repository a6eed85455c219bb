import '../require-supported-node';
import { NodeSDK } from '@opentelemetry/sdk-node';

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

const sdk = disabled
  ? undefined
  : new NodeSDK({
      ...(serviceNameFromEnv ? {} : { serviceName: 'openai-gemini-sidecar' }),
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [],
    });
sdk?.start();

/** Flushes spans on shutdown; main.ts calls it after the servers closed. */
export function shutdownTelemetry(): Promise<void> {
  return sdk?.shutdown() ?? Promise.resolve();
}
