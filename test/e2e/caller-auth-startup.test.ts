import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { freePort, REPOSITORY_ROOT, SIDECAR_MAIN, spawnManaged, startSidecarProcess } from '../helpers/sidecar-process';

const SERVER_KEY = 'AIzaServerKeyOfTheStartupTest000000000';
const CLIENT_KEY = 'a-sidecar-client-key-of-the-startup-test';
const INSTRUMENTATION = path.join(REPOSITORY_ROOT, 'dist/sidecar/observability/instrumentation.js');

/** POST /v1/chat/completions with an optional bearer token: the status. */
async function chatStatus(url: string, token?: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'who pays?' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Issue: a server-held key was spent by callers with no Authorization header at all. */
describe('secure by default: a sidecar holding Gemini keys needs client keys or a trusted ingress (built process)', () => {
  let emulator: GeminiEmulator;
  let dir: string;
  let configFile: string;
  let keysFile: string;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-caller-auth-'));
    configFile = path.join(dir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n');
    keysFile = path.join(dir, 'keys');
    writeFileSync(keysFile, `${SERVER_KEY}\n`);
  });

  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => emulator.reset());

  it.each([
    { name: 'GEMINI_API_KEY, node dist/sidecar/main.js', keys: () => ({ GEMINI_API_KEY: SERVER_KEY }), preload: false },
    { name: 'GEMINI_API_KEYS, npm start (--require instrumentation.js)', keys: () => ({ GEMINI_API_KEYS: `${SERVER_KEY},another-key` }), preload: true },
    { name: 'GEMINI_API_KEYS_FILE, node dist/sidecar/main.js', keys: () => ({ GEMINI_API_KEYS_FILE: keysFile }), preload: false },
  ])('refuses to start with $name and neither setting: exit 1, one line naming both', async ({ keys, preload }) => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const args = preload ? ['--require', INSTRUMENTATION, SIDECAR_MAIN] : [SIDECAR_MAIN];
    const child = spawnManaged(process.execPath, args, {
      ...keys(),
      CONFIG_FILE: configFile,
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      GEMINI_BASE_URL: emulator.url,
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(await child.exited).toBe(1);
    const lines = child.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^openai-gemini-sidecar: Refusing to start: /);
    expect(lines[0]).toContain('SIDECAR_API_KEYS (auth.clientKeys)');
    expect(lines[0]).toContain('SIDECAR_TRUST_INGRESS=true (auth.trustIngress)');
    expect(child.output()).not.toContain(SERVER_KEY);
  });

  it('starts with SIDECAR_API_KEYS: no key or a wrong key → 401 without calling Gemini, the client key → 200', async () => {
    const sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: configFile, GEMINI_API_KEY: SERVER_KEY, SIDECAR_TRUST_INGRESS: '', SIDECAR_API_KEYS: CLIENT_KEY });
    try {
      expect(await chatStatus(sidecar.url)).toBe(401);
      expect(await chatStatus(sidecar.url, SERVER_KEY)).toBe(401);
      expect(emulator.requests).toHaveLength(0);
      expect(await chatStatus(sidecar.url, CLIENT_KEY)).toBe(200);
      expect(emulator.lastRequest()!.headers['x-goog-api-key']).toBe(SERVER_KEY);
    } finally {
      await sidecar.stop();
    }
  });

  it('starts with SIDECAR_TRUST_INGRESS=true and serves whoever reaches it, as the operator declared', async () => {
    const sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: configFile, GEMINI_API_KEY: SERVER_KEY, SIDECAR_TRUST_INGRESS: 'true' });
    try {
      expect(await chatStatus(sidecar.url)).toBe(200);
      expect(emulator.lastRequest()!.headers['x-goog-api-key']).toBe(SERVER_KEY);
    } finally {
      await sidecar.stop();
    }
  });

  it('starts without a server key and needs neither: callers bring their own Gemini key (none → 401)', async () => {
    const sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: configFile, GEMINI_API_KEY: '', SIDECAR_TRUST_INGRESS: '' });
    try {
      expect(await chatStatus(sidecar.url)).toBe(401);
      expect(emulator.requests).toHaveLength(0);
      expect(await chatStatus(sidecar.url, 'callers-own-gemini-key')).toBe(200);
      expect(emulator.lastRequest()!.headers['x-goog-api-key']).toBe('callers-own-gemini-key');
    } finally {
      await sidecar.stop();
    }
  });
});
