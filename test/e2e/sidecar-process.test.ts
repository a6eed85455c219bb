import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';

// Runs the built entry point (npm test builds first, see "pretest"), exactly as `npm start` does.
const MAIN = resolve(__dirname, '../../dist/sidecar/main.js');

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], { cwd: resolve(__dirname, '../..'), env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitFor(url: string): Promise<Response> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  throw new Error(`nothing answered at ${url}`);
}

describe('the sidecar process (dist/sidecar/main.js)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it in pretest)`);
  });

  it.each<{ env: Record<string, string>; key: string; envName: string }>([
    { env: { PORT: 'abc' }, key: 'server.port', envName: 'PORT' },
    { env: { LOG_LEVEL: 'loud' }, key: 'logging.level', envName: 'LOG_LEVEL' },
    { env: { GEMINI_BASE_URL: 'not a url' }, key: 'gemini.baseUrl', envName: 'GEMINI_BASE_URL' },
  ])('refuses to start on a bad $envName with one line naming the key and the variable', async ({ env, key, envName }) => {
    const process = run(env);
    expect(await process.exited).toBe(1);
    const lines = process.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(key);
    expect(lines[0]).toContain(`env ${envName}`);
  });

  it('serves chat on PORT, health on ADMIN_PORT, and exits 0 on SIGTERM', async () => {
    const emulator = await GeminiEmulator.start();
    const [port, adminPort] = [await freePort(), await freePort()];
    const sidecar = run({ PORT: String(port), ADMIN_PORT: String(adminPort), GEMINI_BASE_URL: emulator.url, GEMINI_API_KEY: 'process-key', SIDECAR_TRUST_INGRESS: 'true' });
    try {
      expect((await waitFor(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${adminPort}/healthz`)).status).toBe(200);
      const answer = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'ping' }] }),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Echo: ping');
      expect(emulator.lastRequest()!.headers['x-goog-api-key']).toBe('process-key');
      sidecar.child.kill('SIGTERM');
      expect(await sidecar.exited).toBe(0);
      expect(sidecar.output()).not.toContain('process-key');
    } finally {
      sidecar.child.kill('SIGKILL');
      await emulator.close();
    }
  });

  it('also serves the API on SOCKET_PATH (for Envoy Gateway through a shared emptyDir)', async () => {
    const emulator = await GeminiEmulator.start();
    const [port, adminPort] = [await freePort(), await freePort()];
    const socketPath = `/tmp/openai-gemini-sidecar-test-${process.pid}.sock`;
    const sidecar = run({ PORT: String(port), ADMIN_PORT: String(adminPort), SOCKET_PATH: socketPath, GEMINI_BASE_URL: emulator.url, GEMINI_API_KEY: 'k', SIDECAR_TRUST_INGRESS: 'true' });
    try {
      await waitFor(`http://127.0.0.1:${adminPort}/readyz`);
      const body = await new Promise<string>((resolve, reject) => {
        const payload = JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'over a socket' }] });
        const req = request({ socketPath, path: '/v1beta/openai/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(payload);
      });
      expect((JSON.parse(body) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Echo: over a socket');
      sidecar.child.kill('SIGTERM');
      expect(await sidecar.exited).toBe(0);
    } finally {
      sidecar.child.kill('SIGKILL');
      await emulator.close();
    }
  });
});
