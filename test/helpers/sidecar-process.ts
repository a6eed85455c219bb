import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The repository root. */
export const REPOSITORY_ROOT = resolve(__dirname, '../..');

/** The built entry point (npm test builds first, see "pretest"), started exactly as `npm start` does. */
export const SIDECAR_MAIN = resolve(REPOSITORY_ROOT, 'dist/sidecar/main.js');

/** A port nothing listens on right now (the probe binds port 0 and releases it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Polls `url` until it answers with `accept(response)` true, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 10_000, accept: (response: Response) => boolean = (response) => response.ok): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (accept(response)) return response;
      last = `HTTP ${response.status}`;
      await response.arrayBuffer();
    } catch (error) {
      last = (error as Error).message;
    }
    await delay(100);
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (last: ${last})`);
}

/** A child process whose output is kept, with a bounded stop. */
export interface ManagedProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Exit code (or null when killed by a signal), once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `command` with only the given environment (plus PATH), collecting its output. */
export function spawnManaged(command: string, args: readonly string[], env: Record<string, string> = {}): ManagedProcess {
  const child = spawn(command, args, { cwd: REPOSITORY_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((done) => {
    child.once('error', (error) => {
      output += `spawn ${command} failed: ${error.message}\n`;
      done(null);
    });
    child.once('exit', (code) => done(code));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => output,
    exited,
    async stop(graceMs = 3_000) {
      if (child.pid === undefined || gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A running `node dist/sidecar/main.js` on free ports. */
export interface SidecarProcess extends ManagedProcess {
  port: number;
  adminPort: number;
  /** API base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Admin base URL (/healthz, /readyz, /metrics). */
  adminUrl: string;
}

/**
 * Starts the built sidecar against `geminiBaseUrl` with a fixed test key (trusting the ingress: callers are not
 * checked), warn-level logs and OTel off, and waits
 * until /readyz answers. `env` adds or overrides variables.
 */
export async function startSidecarProcess(geminiBaseUrl: string, env: Record<string, string> = {}): Promise<SidecarProcess> {
  if (!existsSync(SIDECAR_MAIN)) throw new Error(`${SIDECAR_MAIN} is missing: run npm run build (npm test does it in pretest)`);
  const [port, adminPort] = [await freePort(), await freePort()];
  const managed = spawnManaged(process.execPath, [SIDECAR_MAIN], {
    PORT: String(port),
    ADMIN_PORT: String(adminPort),
    GEMINI_BASE_URL: geminiBaseUrl,
    GEMINI_API_KEY: 'test-key',
    // A server key needs client keys or a trusted ingress (the start-up check); tests send no client key.
    SIDECAR_TRUST_INGRESS: 'true',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    ...env,
  });
  const sidecar: SidecarProcess = { ...managed, port, adminPort, url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}` };
  try {
    await Promise.race([
      waitForHttp(`${sidecar.adminUrl}/readyz`),
      managed.exited.then((code) => {
        throw new Error(`the sidecar exited with ${code} before it was ready:\n${managed.output()}`);
      }),
    ]);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return sidecar;
}
