import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry bootstrap, loaded before the app with `node --require` (require-in-the-middle must patch http
 * before it is first required). Configured only by the standard OTEL_* variables: exporter, endpoint, sampler,
 * propagators, OTEL_SDK_DISABLED. Metrics are prom-client's and logs are pino's, so the SDK's own metric and log
 * pipelines are off (sdk-node would otherwise start an OTLP metric push by default).
 *
 * No Express instrumentation: its per-layer wrappers cost on every request, and the only thing it added (http.route
 * on the server span) is set by http-route.ts. With OTEL_SDK_DISABLED nothing is constructed: instrumentations
 * patch modules in their constructors, even when the SDK never starts.
 */
const ADMIN_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

const env = process.env;
const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
const serviceNameFromEnv = env.OTEL_SERVICE_NAME ?? /(?:^|,)\s*service\.name=/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[0];

const sdk = disabled
  ? undefined
  : new NodeSDK({
      ...(serviceNameFromEnv ? {} : { serviceName: 'openai-gemini-sidecar' }),
      metricReaders: [],
      logRecordProcessors: [],
      instrumentations: [
        new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => ADMIN_PATHS.has((request.url ?? '').split('?')[0] ?? '') }),
        new UndiciInstrumentation(),
      ],
    });
sdk?.start();

/** Flushes spans on shutdown; main.ts calls it after the servers closed. */
export function shutdownTelemetry(): Promise<void> {
  return sdk?.shutdown() ?? Promise.resolve();
}
