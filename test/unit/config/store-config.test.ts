import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '@sidecar/config/load-config';

const KEY = Buffer.alloc(32, 7).toString('base64');
const PASSWORD = 'redis-password-never-shown';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecar-store-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function configErrorMessage(env: Record<string, string | undefined>, yaml?: string): string {
  if (yaml !== undefined) {
    mkdirSync(path.join(dir, 'config'));
    writeFileSync(path.join(dir, 'config/default.yaml'), yaml);
  }
  try {
    loadConfig(env, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('store config', () => {
  it('has no store by default: 30-day TTL and a 4 MiB entry bound ready for when one is set', () => {
    expect(loadConfig({}, dir).store).toEqual({ ttlSeconds: 2_592_000, maxEntryBytes: 4_194_304 });
  });

  it('takes REDIS_URL, REDIS_PASSWORD and STORE_ENCRYPTION_KEY', () => {
    const env = { REDIS_URL: 'rediss://redis.example:6380/2', REDIS_PASSWORD: PASSWORD, STORE_ENCRYPTION_KEY: KEY };
    expect(loadConfig(env, dir).store).toEqual({
      redisUrl: 'rediss://redis.example:6380/2',
      redisPassword: PASSWORD,
      encryptionKey: KEY,
      ttlSeconds: 2_592_000,
      maxEntryBytes: 4_194_304,
    });
  });

  it.each([
    {
      name: 'redisUrl without encryptionKey',
      env: { REDIS_URL: `redis://:${PASSWORD}@redis:6379` },
      says: ['store.encryptionKey', 'env STORE_ENCRYPTION_KEY not set', 'required when store.redisUrl is set'],
    },
    {
      name: 'an encryption key that is not 32 bytes',
      env: { REDIS_URL: 'redis://redis:6379', STORE_ENCRYPTION_KEY: Buffer.alloc(16, 7).toString('base64') },
      says: ['store.encryptionKey (env STORE_ENCRYPTION_KEY)', 'base64 of 32 random bytes'],
    },
    {
      name: 'a URL that is not redis:// or rediss://',
      env: { REDIS_URL: `http://:${PASSWORD}@redis:6379`, STORE_ENCRYPTION_KEY: KEY },
      says: ['store.redisUrl (env REDIS_URL)', 'redis:// or rediss://'],
    },
    {
      name: 'a TTL of 0 in the file',
      env: {},
      yaml: 'store:\n  ttlSeconds: 0\n',
      says: ['store.ttlSeconds'],
    },
  ])('refuses $name with one line naming the key and its source, never a secret', ({ env, yaml, says }) => {
    const message = configErrorMessage(env, yaml);
    for (const text of says) expect(message).toContain(text);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain(Buffer.alloc(16, 7).toString('base64'));
  });
});
