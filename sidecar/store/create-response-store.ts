import type { SidecarConfig } from '../config/config-schema';
import type { Logger } from '../observability/logger';
import { loadOnFirstUse } from '../util/load-on-first-use';
import type { RedisResponseStore } from './redis-response-store';
import type { ResponseStore } from './response-store';

/** The response store the config asks for (Redis at store.redisUrl), or undefined without one; never connects here. */
export function createResponseStore(config: SidecarConfig, logger: Logger): ResponseStore | undefined {
  const { redisUrl, redisPassword, encryptionKey, ttlSeconds, maxEntryBytes } = config.store;
  if (redisUrl === undefined) {
    logger.info('no response store (store.redisUrl / REDIS_URL unset): store is answered as not stored, previous_response_id with 400');
    return undefined;
  }
  // loadConfig already refuses redisUrl without encryptionKey; this keeps a hand-built config from storing plaintext.
  if (encryptionKey === undefined) throw new Error('store.encryptionKey (STORE_ENCRYPTION_KEY) is required when store.redisUrl is set');
  // The Redis client (about 25 MB of modules) is loaded only when a store is configured.
  const { RedisResponseStore: Store } = loadOnFirstUse<{ RedisResponseStore: typeof RedisResponseStore }>(require.resolve('./redis-response-store'));
  const store = new Store({
    url: redisUrl,
    ...(redisPassword === undefined ? {} : { password: redisPassword }),
    encryptionKey: Buffer.from(encryptionKey, 'base64'),
    ttlSeconds,
    maxEntryBytes,
    logger,
  });
  logger.info({ redis: store.target, ttlSeconds, maxEntryBytes }, 'response store on Redis (connects on first use)');
  return store;
}
