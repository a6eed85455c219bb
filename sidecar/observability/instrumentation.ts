import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry bootstrap, loaded before the app with `node --require` (require-in-the-middle must patch http and
 * express before they are first required). Configured only by the standard OTEL_* variables: exporter, endpoint,
 * sampler, propagators, OTEL_SDK_DISABLED. Metrics are prom-client's and logs are pino's, so the SDK's own metric
 * and log pipelines are off (sdk-node would otherwise start an OTLP metric push by default).
 */
const ADMIN_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

const env = process.env;
const serviceNameFromEnv = env.OTEL_SERVICE_NAME ?? /(?:^|,)\s*service\.name=/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[0];

const sdk = new NodeSDK({
  ...(serviceNameFromEnv ? {} : { serviceName: 'openai-gemini-sidecar' }),
  metricReaders: [],
  logRecordProcessors: [],
  instrumentations: [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => ADMIN_PATHS.has((request.url ?? '').split('?')[0] ?? '') }),
    // Express 5 layer spans ("middleware - …") are noise; the route still lands on the server span as http.route.
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.REQUEST_HANDLER, ExpressLayerType.ROUTER],
    }),
    new UndiciInstrumentation(),
  ],
});
sdk.start();

/** Flushes spans on shutdown; main.ts calls it after the servers closed. */
export function shutdownTelemetry(): Promise<void> {
  return sdk.shutdown();
}
