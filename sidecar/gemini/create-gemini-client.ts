import type { SidecarConfig } from '../config/config-schema';
import type { Logger } from '../observability/logger';
import type { SidecarMetrics } from '../observability/metrics';
import { GeminiClient } from './gemini-client';

/** The Gemini client for a config: the sidecar's keys pooled, attempts counted, key events logged by fingerprint. */
export function createGeminiClient(config: SidecarConfig, metrics: SidecarMetrics, logger: Logger): GeminiClient {
  const keys = [...(config.gemini.apiKey ? [config.gemini.apiKey] : []), ...config.gemini.apiKeys];
  const client = new GeminiClient({
    ...config.gemini,
    keys,
    onAttempt: (outcome) => metrics.upstreamAttempts.inc({ outcome }),
    onKeyEvent: ({ fingerprint, state, ms }) => {
      if (state === 'invalid') logger.error({ keyFingerprint: fingerprint }, 'Gemini rejected a pool key as invalid; it is out of rotation');
      else logger.warn({ keyFingerprint: fingerprint, cooldownMs: ms }, 'pool key rate-limited; cooling down');
    },
  });
  if (client.keyPool) metrics.observeKeyPool(client.keyPool);
  return client;
}
