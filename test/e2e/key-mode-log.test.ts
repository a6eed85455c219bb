import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { keyFingerprint } from '@sidecar/gemini/key-pool';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';

interface LogLine {
  level: number;
  msg: string;
  keyMode?: string;
  authMode?: string;
  keyFingerprints?: string[];
}

/** The parsed key-mode log line, once pino (asynchronous) has written it. */
async function keyModeLine(sidecar: SidecarProcess): Promise<LogLine> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const lines = sidecar.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
    const found = lines.filter((line) => line.keyMode !== undefined);
    if (found.length > 0) {
      expect(found).toHaveLength(1);
      return found[0]!;
    }
    await delay(100);
  }
  throw new Error(`no key-mode line in:\n${sidecar.output()}`);
}

describe('the start-up log line on the Gemini key and auth modes (built process)', () => {
  let emulator: GeminiEmulator;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-key-mode-'));
    configFile = path.join(dir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n');
  });

  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const serverKey = 'AIzaServerKeyForTheLogTest0000000000000';
  const poolKeys = ['AIzaPoolKeyOne000000000000000000000000', 'AIzaPoolKeyTwo000000000000000000000000', 'AIzaPoolKeyThree0000000000000000000000'];

  const clientKey = 'a-sidecar-client-key-for-the-log-test';

  it.each<{ mode: string; auth: string; env: Record<string, string>; keys: string[]; says: string[] }>([
    {
      mode: 'server-key',
      auth: 'trusted-ingress',
      env: { GEMINI_API_KEY: serverKey },
      keys: [serverKey],
      says: [`the sidecar's own key (fingerprint ${keyFingerprint(serverKey)})`, 'Callers are not checked by the sidecar: SIDECAR_TRUST_INGRESS=true'],
    },
    {
      mode: 'key-pool',
      auth: 'client-keys',
      env: { GEMINI_API_KEY: poolKeys[0]!, GEMINI_API_KEYS: `${poolKeys[1]},${poolKeys[2]}`, SIDECAR_API_KEYS: clientKey, SIDECAR_TRUST_INGRESS: '' },
      keys: poolKeys,
      says: [`a pool of 3 keys used round-robin (fingerprints ${poolKeys.map(keyFingerprint).join(', ')})`, 'Callers must present one of the SIDECAR_API_KEYS'],
    },
    {
      mode: 'caller',
      auth: 'caller-key',
      env: { GEMINI_API_KEY: '', SIDECAR_TRUST_INGRESS: '' },
      keys: [],
      says: ["each caller's Authorization: Bearer <key> or x-goog-api-key is passed on as the Gemini key", 'Callers authenticate with their own Gemini key'],
    },
  ])('logs $mode and $auth at info, by fingerprint only', async ({ mode, auth, env, keys, says }) => {
    const sidecar = await startSidecarProcess(emulator.url, { ...env, CONFIG_FILE: configFile, LOG_LEVEL: 'info' });
    try {
      const line = await keyModeLine(sidecar);
      expect(line).toMatchObject({ level: 30, keyMode: mode, authMode: auth, keyFingerprints: keys.map(keyFingerprint) });
      for (const text of says) expect(line.msg).toContain(text);
      sidecar.child.kill('SIGTERM');
      expect(await sidecar.exited).toBe(0);
      for (const key of [...keys, clientKey]) expect(sidecar.output()).not.toContain(key);
    } finally {
      await sidecar.stop();
    }
  });
});
