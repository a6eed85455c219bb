import type { SidecarConfig } from '../config/config-schema';
import type { Logger } from '../observability/logger';
import type { SidecarMetrics } from '../observability/metrics';
import { upstreamAttemptTracer } from '../observability/upstream-span';
import { trace } from '@opentelemetry/api';
import { GeminiClient } from './gemini-client';

/**
 * The Gemini client for a config: the sidecar's keys pooled, attempts counted, key events logged by fingerprint.
 * Endpoint, keys and connection timeouts are fixed here; the retry policy, total timeout and event size limit come
 * from `running()` on every call, so a reloaded config applies to the next call.
 */
export function createGeminiClient(
  config: SidecarConfig,
  metrics: SidecarMetrics,
  logger: Logger,
  running: () => SidecarConfig = () => config,
): GeminiClient {
  const keys = [...(config.gemini.apiKey ? [config.gemini.apiKey] : []), ...config.gemini.apiKeys];
  const client = new GeminiClient({
    ...config.gemini,
    get retry() {
      return running().gemini.retry;
    },
    get totalTimeoutMs() {
      return running().gemini.totalTimeoutMs;
    },
    get maxEventBytes() {
      return running().gemini.maxEventBytes;
    },
    keys,
    onAttempt: (outcome) => metrics.upstreamAttempts.inc({ outcome }),
    traceAttempt: upstreamAttemptTracer(trace.getTracer('openai-gemini-sidecar'), config.gemini.baseUrl),
    onKeyEvent: ({ fingerprint, state, ms }) => {
      if (state === 'invalid') logger.error({ keyFingerprint: fingerprint }, 'Gemini rejected a pool key as invalid; it is out of rotation');
      else logger.warn({ keyFingerprint: fingerprint, cooldownMs: ms }, 'pool key rate-limited; cooling down');
    },
  });
  if (client.keyPool) metrics.observeKeyPool(client.keyPool);
  return client;
}
