import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { freePort, REPOSITORY_ROOT, SIDECAR_MAIN, spawnManaged, waitForHttp } from '../helpers/sidecar-process';

const INSTRUMENTATION = path.resolve(REPOSITORY_ROOT, 'dist/sidecar/observability/instrumentation.js');

describe('the built process on a native passthrough request', () => {
  let emulator: GeminiEmulator;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-deprecation-'));
    configFile = path.join(dir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n');
  });

  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    { name: 'npm start (--require instrumentation.js)', args: () => ['--require', INSTRUMENTATION, SIDECAR_MAIN] },
    { name: 'node dist/sidecar/main.js', args: () => [SIDECAR_MAIN] },
  ])('$name prints no DeprecationWarning (http-proxy util._extend, DEP0060)', async ({ args }) => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const sidecar = spawnManaged(process.execPath, args(), {
      CONFIG_FILE: configFile,
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      GEMINI_BASE_URL: emulator.url,
      GEMINI_API_KEY: 'test-key',
      SIDECAR_TRUST_INGRESS: 'true',
      OTEL_SDK_DISABLED: 'true',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${adminPort}/readyz`);
      for (const target of ['/v1beta/models/gemini-2.5-flash', '/v1beta/models']) {
        const response = await fetch(`http://127.0.0.1:${port}${target}`);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      sidecar.child.kill('SIGTERM');
      expect(await sidecar.exited).toBe(0);
      expect(sidecar.output()).toContain('"route":"native"');
      expect(sidecar.output()).not.toContain('DeprecationWarning');
      expect(sidecar.output()).not.toContain('DEP0060');
    } finally {
      await sidecar.stop();
    }
  });

  it('still prints every other warning (only DEP0060 is dropped)', () => {
    const silencer = path.resolve(REPOSITORY_ROOT, 'dist/sidecar/server/silence-http-proxy-deprecation.js');
    const script = `require(${JSON.stringify(silencer)}).silenceHttpProxyDeprecation();
require('node:util')._extend({}, { a: 1 });
process.emitWarning('still here', 'DeprecationWarning', 'DEP0999');
process.emitWarning('and this', 'ExperimentalWarning');`;
    const { stderr, status } = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(status).toBe(0);
    expect(stderr).toContain('[DEP0999] DeprecationWarning: still here');
    expect(stderr).toContain('ExperimentalWarning: and this');
    expect(stderr).not.toContain('DEP0060');
  });
});
