import { readApiKeysFile, watchApiKeysFile, type ApiKeysFileWatcher } from '../config/api-keys-file';
import type { SidecarConfig } from '../config/config-schema';
import type { Logger } from '../observability/logger';
import type { SidecarMetrics } from '../observability/metrics';
import { upstreamAttemptTracer } from '../observability/upstream-span';
import { trace } from '@opentelemetry/api';
import { GeminiClient, type KeyEvent } from './gemini-client';
import type { GeminiBackend } from './backends/gemini-backend';
import { backendKeys, createGeminiBackend } from './backends/create-backend';

/** GEMINI_API_KEY and GEMINI_API_KEYS: the keys that stay in the pool whatever the key file says. */
function fixedKeys(config: SidecarConfig): string[] {
  return [...(config.gemini.apiKey ? [config.gemini.apiKey] : []), ...config.gemini.apiKeys];
}

/** The keys of GEMINI_API_KEYS_FILE when it is set (a ConfigError when it cannot be read). */
function keysOfFile(config: SidecarConfig): string[] {
  return config.gemini.apiKeysFile ? readApiKeysFile(config.gemini.apiKeysFile).keys : [];
}

function logKeyEvent(logger: Logger, event: KeyEvent): void {
  const keyFingerprint = event.fingerprint;
  if (event.state === 'cooling') logger.warn({ keyFingerprint, keyState: 'cooling', cooldownMs: event.ms }, 'pool key rate-limited; cooling down');
  else if (event.state === 'active') logger.info({ keyFingerprint, keyState: 'active' }, 'Gemini accepted a key it had called invalid; it serves again');
  else if (event.benched) {
    logger.error({ keyFingerprint, keyState: 'invalid', benchedMs: event.ms }, 'Gemini called a pool key invalid (API_KEY_INVALID); it rests, then is tried again');
  } else {
    logger.error(
      { keyFingerprint, keyState: 'invalid', benchedMs: 0 },
      'Gemini called the last key that could serve invalid (API_KEY_INVALID); it stays in use and callers get 401 invalid_api_key until Gemini accepts it',
    );
  }
}

/**
 * The Gemini client for a config: the sidecar's keys pooled, attempts counted, key events logged by fingerprint.
 * Endpoint, keys and connection timeouts are fixed here; the retry policy, total timeout, event size limit and
 * invalid-key cooldown come from `running()` on every call, so a reloaded config applies to the next call.
 */
export function createGeminiClient(
  config: SidecarConfig,
  metrics: SidecarMetrics,
  logger: Logger,
  running: () => SidecarConfig = () => config,
  fileKeys: readonly string[] = keysOfFile(config),
  backend: GeminiBackend = createGeminiBackend(config, logger),
): GeminiClient {
  const client = new GeminiClient({
    ...config.gemini,
    backend,
    get retry() {
      return running().gemini.retry;
    },
    get totalTimeoutMs() {
      return running().gemini.totalTimeoutMs;
    },
    get maxEventBytes() {
      return running().gemini.maxEventBytes;
    },
    get invalidKeyCooldownMs() {
      return running().gemini.invalidKeyCooldownMs;
    },
    keys: [...fixedKeys(config), ...fileKeys, ...backendKeys(config)],
    onAttempt: (outcome) => metrics.upstreamAttempts.inc({ outcome }),
    traceAttempt: upstreamAttemptTracer(trace.getTracer('openai-gemini-sidecar'), backend.baseUrl),
    onKeyEvent: (event) => logKeyEvent(logger, event),
  });
  if (client.keyPool) metrics.observeKeyPool(client.keyPool);
  return client;
}

/**
 * Polls GEMINI_API_KEYS_FILE (a mounted Secret) every `intervalMs`: keys added to the file join the pool, keys removed
 * leave it, GEMINI_API_KEY and GEMINI_API_KEYS stay. `baseline` is the hash of the content the pool was built from.
 */
export function watchPoolKeysFile(
  client: GeminiClient,
  config: SidecarConfig,
  options: { baseline: string; intervalMs: number; metrics: SidecarMetrics; logger: Logger },
): ApiKeysFileWatcher | undefined {
  const { metrics, logger } = options;
  const file = config.gemini.apiKeysFile;
  const pool = client.keyPool;
  if (!file || !pool) return undefined;
  return watchApiKeysFile({
    file,
    intervalMs: options.intervalMs,
    baseline: options.baseline,
    onKeys: (keys) => {
      const { joined, left } = pool.replace([...fixedKeys(config), ...keys]);
      logger.info({ file, joined, left, keyFingerprints: pool.states().map((key) => key.fingerprint) }, 'GEMINI_API_KEYS_FILE changed; the key pool follows it');
      metrics.apiKeysFileReloads.inc({ result: 'success' });
    },
    onInvalid: (reason) => {
      logger.warn({ file, reason }, `GEMINI_API_KEYS_FILE changed but ${reason}; the running keys stay`);
      metrics.apiKeysFileReloads.inc({ result: 'failure' });
    },
  });
}
