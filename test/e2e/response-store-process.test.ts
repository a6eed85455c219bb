import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { freePort, SIDECAR_MAIN, spawnManaged, startSidecarProcess, type ManagedProcess } from '../helpers/sidecar-process';

const PASSWORD = 'redis-password-0004-never-printed';
const KEY = randomBytes(32).toString('base64');

/** The first JSON log line whose message contains `text`, once pino (asynchronous) has written it. */
async function logLine(sidecar: ManagedProcess, text: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = sidecar.output().split('\n').filter((line) => line.startsWith('{') && line.includes(text));
    if (found.length > 0) return JSON.parse(found[0]!) as Record<string, unknown>;
    await delay(100);
  }
  throw new Error(`no log line with "${text}" in:\n${sidecar.output()}`);
}

describe('the response store in the built process', () => {
  let emulator: GeminiEmulator;
  let redis: RedisServer;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    [emulator, redis] = await Promise.all([GeminiEmulator.start(), startRedisServer({ password: PASSWORD })]);
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-store-process-'));
    configFile = path.join(dir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n');
  }, 30_000);

  afterAll(async () => {
    await Promise.all([emulator?.close(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    { name: 'a reachable Redis', url: () => redis.url },
    { name: 'a Redis nobody listens for (it connects on first use only)', url: async () => `redis://127.0.0.1:${await freePort()}` },
  ])('starts with $name, logs the store by address only, and exits 0 on SIGTERM', async ({ url }) => {
    const redisUrl = await url();
    const sidecar = await startSidecarProcess(emulator.url, {
      CONFIG_FILE: configFile, LOG_LEVEL: 'info', REDIS_URL: redisUrl, REDIS_PASSWORD: PASSWORD, STORE_ENCRYPTION_KEY: KEY,
    });
    try {
      expect(await logLine(sidecar, 'response store on Redis')).toMatchObject({ level: 30, redis: redisUrl, ttlSeconds: 2_592_000, maxEntryBytes: 4_194_304 });
      sidecar.child.kill('SIGTERM');
      expect(await sidecar.exited).toBe(0);
      expect(sidecar.output()).not.toContain(PASSWORD);
      expect(sidecar.output()).not.toContain(KEY);
    } finally {
      await sidecar.stop();
    }
  });

  it('says at start that there is no store without REDIS_URL', async () => {
    const sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: configFile, LOG_LEVEL: 'info' });
    try {
      expect((await logLine(sidecar, 'no response store')).msg).toContain('previous_response_id with 400');
    } finally {
      await sidecar.stop();
    }
  });

  it('refuses to start with REDIS_URL but no STORE_ENCRYPTION_KEY, in one line that shows no password', async () => {
    const sidecar = spawnManaged(process.execPath, [SIDECAR_MAIN], {
      CONFIG_FILE: configFile, PORT: '0', ADMIN_PORT: '0', GEMINI_API_KEY: 'test-key', SIDECAR_TRUST_INGRESS: 'true', OTEL_SDK_DISABLED: 'true',
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
    });
    expect(await sidecar.exited).toBe(1);
    const lines = sidecar.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('store.encryptionKey');
    expect(lines[0]).toContain('STORE_ENCRYPTION_KEY');
    expect(lines[0]).not.toContain(PASSWORD);
  });
});
