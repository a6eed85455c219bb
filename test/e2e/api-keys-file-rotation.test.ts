import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { keyFingerprint } from '@sidecar/gemini/key-pool';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';

/** A directory laid out like a mounted Secret (`keys → ..data/keys`), updated by the kubelet's atomic `..data` swap. */
class SecretVolume {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'sidecar-secret-'));
  readonly file = path.join(this.dir, 'keys');
  private version = 0;
  private current: string | undefined;

  publish(content: string): void {
    const stamp = `..2026_01_01_00_00_00.${String(++this.version).padStart(9, '0')}`;
    mkdirSync(path.join(this.dir, stamp));
    writeFileSync(path.join(this.dir, stamp, 'keys'), content);
    symlinkSync(stamp, path.join(this.dir, '..data_tmp'));
    renameSync(path.join(this.dir, '..data_tmp'), path.join(this.dir, '..data'));
    if (this.current) rmSync(path.join(this.dir, this.current), { recursive: true });
    else symlinkSync(path.join('..data', 'keys'), this.file);
    this.current = stamp;
  }
}

/** Polls `read` every 50 ms until `accept` holds, or fails with the last value after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await delay(50);
  }
}

const KEYS = { a: 'AIzaRotationKeyA00000000000000000000000', b: 'AIzaRotationKeyB00000000000000000000000', c: 'AIzaRotationKeyC00000000000000000000000' };

/** Issue: a Secret rotated on disk needed a restart. */
describe('GEMINI_API_KEYS_FILE rotated on disk (built process)', () => {
  let emulator: GeminiEmulator;
  let volume: SecretVolume;
  let configDir: string;
  let sidecar: SidecarProcess;

  /** The x-goog-api-key of `count` chat calls, in order. */
  async function upstreamKeys(count: number): Promise<string[]> {
    emulator.reset();
    for (let index = 0; index < count; index++) {
      const response = await fetch(`${sidecar.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'rotate' }] }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    return emulator.requests.map((request) => String(request.headers['x-goog-api-key']));
  }

  async function scrape(): Promise<{ states: Record<string, string>; reloads: Record<string, number> }> {
    const text = await (await fetch(`${sidecar.adminUrl}/metrics`)).text();
    const states = Object.fromEntries([...text.matchAll(/^gemini_sidecar_api_key_state\{key_fingerprint="(\w+)",state="(\w+)"\} 1$/gm)].map((match) => [match[1], match[2]]));
    const reloads = Object.fromEntries([...text.matchAll(/^gemini_sidecar_api_keys_file_reloads_total\{result="(\w+)"\} (\d+)$/gm)].map((match) => [match[1], Number(match[2])]));
    return { states, reloads };
  }

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    volume = new SecretVolume();
    volume.publish(`# pool\n${KEYS.a}\n`);
    configDir = mkdtempSync(path.join(tmpdir(), 'sidecar-rotation-config-'));
    const configFile = path.join(configDir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n  configReloadIntervalMs: 100\n');
    sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: configFile, GEMINI_API_KEY: '', GEMINI_API_KEYS_FILE: volume.file, LOG_LEVEL: 'info' });
  });

  afterAll(async () => {
    await sidecar?.stop();
    await emulator.close();
    rmSync(volume.dir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  it('serves with the file\'s key, then lets new keys join and removed keys leave without a restart', async () => {
    expect(await upstreamKeys(2)).toEqual([KEYS.a, KEYS.a]);
    expect((await scrape()).states).toEqual({ [keyFingerprint(KEYS.a)]: 'active' });

    volume.publish(`${KEYS.b}\n${KEYS.c}\n`);
    await eventually(scrape, (scraped) => scraped.reloads.success === 1);
    expect((await scrape()).states).toEqual({ [keyFingerprint(KEYS.b)]: 'active', [keyFingerprint(KEYS.c)]: 'active' });
    expect((await upstreamKeys(4)).sort()).toEqual([KEYS.b, KEYS.b, KEYS.c, KEYS.c]);
    const line = sidecar.output().split('\n').find((text) => text.includes('GEMINI_API_KEYS_FILE changed'));
    expect(JSON.parse(line!)).toMatchObject({ joined: [keyFingerprint(KEYS.b), keyFingerprint(KEYS.c)], left: [keyFingerprint(KEYS.a)] });
  });

  it('keeps the running keys when the file turns empty, and counts that as a failure', async () => {
    volume.publish('# being rewritten\n');
    await eventually(scrape, (scraped) => scraped.reloads.failure === 1);
    expect((await upstreamKeys(2)).sort()).toEqual([KEYS.b, KEYS.c]);
    expect(sidecar.output()).toContain('GEMINI_API_KEYS_FILE changed but it holds no key; the running keys stay');
    for (const key of Object.values(KEYS)) expect(sidecar.output()).not.toContain(key);
  });
});
