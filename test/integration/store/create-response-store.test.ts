import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '@sidecar/config/load-config';
import { createLogger } from '@sidecar/observability/logger';
import { createResponseStore } from '@sidecar/store/create-response-store';
import { tenantOf } from '@sidecar/store/response-store';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server';

const PASSWORD = 'redis-password-0003-never-logged';
const KEY = randomBytes(32).toString('base64');

let server: RedisServer;
const logs: string[] = [];
const logger = createLogger('debug', new Writable({ write: (chunk: Buffer, _encoding, done) => void (logs.push(chunk.toString('utf8')), done()) }));

beforeAll(async () => {
  server = await startRedisServer({ password: PASSWORD });
}, 20_000);

afterAll(async () => {
  await server?.stop();
});

describe('createResponseStore', () => {
  it('is undefined without store.redisUrl, and says so at start', () => {
    expect(createResponseStore(loadConfig({}, __dirname), logger)).toBeUndefined();
    expect(logs.some((line) => line.includes('no response store'))).toBe(true);
  });

  it('builds a Redis store from REDIS_URL, REDIS_PASSWORD and STORE_ENCRYPTION_KEY, logging none of them but the address', async () => {
    const config = loadConfig({ REDIS_URL: server.url, REDIS_PASSWORD: PASSWORD, STORE_ENCRYPTION_KEY: KEY, LOG_LEVEL: 'debug' }, __dirname);
    const store = createResponseStore(config, logger)!;
    try {
      const tenant = tenantOf('sk-config-test-client-key');
      await store.put(tenant, { id: 'resp_from_config', input: [], response: { id: 'resp_from_config', object: 'response' } });
      expect(await store.get(tenant, 'resp_from_config')).toEqual({ id: 'resp_from_config', input: [], response: { id: 'resp_from_config', object: 'response' } });
    } finally {
      await store.close();
    }
    const said = logs.join('');
    expect(said).toContain(`"redis":"redis://127.0.0.1:${server.port}"`);
    expect(said).not.toContain(PASSWORD);
    expect(said).not.toContain(KEY);
  });
});
