import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess } from '../helpers/sidecar-process';

// Issue 19 (idle RSS): the Redis client and google-auth-library are loaded only by a sidecar configured to use them
// (about 6 MB of idle RSS inside the chart's 512 MiB limit). A preload reports, at exit, which of them the built
// process loaded.
const HEAVY = ['@redis/client', 'google-auth-library'];

describe('modules only some configurations need (built process)', () => {
  let emulator: GeminiEmulator;
  let dir: string;
  let probe: string;
  let configFile: string;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-lazy-modules-'));
    probe = path.join(dir, 'probe.cjs');
    // No drain delay: the process exits (and the probe reports) well within the stop's grace.
    configFile = path.join(dir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n');
    writeFileSync(
      probe,
      `process.on('exit', () => {
        const loaded = ${JSON.stringify(HEAVY)}.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
        process.stderr.write('LOADED ' + JSON.stringify(loaded) + '\\n');
      });\n`,
    );
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function loadedBy(env: Record<string, string>): Promise<string[]> {
    const sidecar = await startSidecarProcess(emulator.url, { NODE_OPTIONS: `--require ${probe}`, CONFIG_FILE: configFile, ...env });
    const response = await fetch(`${sidecar.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    await sidecar.stop();
    const line = sidecar.output().split('\n').find((text) => text.startsWith('LOADED '));
    if (!line) throw new Error(`the probe printed nothing:\n${sidecar.output()}`);
    return JSON.parse(line.slice('LOADED '.length)) as string[];
  }

  it('a Developer API sidecar without a response store loads neither, after serving a chat', async () => {
    expect(await loadedBy({})).toEqual([]);
  }, 30_000);

  it('a response store loads the Redis client (so the probe sees what it looks for)', async () => {
    // The store connects on first use; no Redis is needed to start or to serve a chat without store: true.
    expect(await loadedBy({ REDIS_URL: 'redis://127.0.0.1:1', STORE_ENCRYPTION_KEY: randomBytes(32).toString('base64') })).toEqual(['@redis/client']);
  }, 30_000);
});
