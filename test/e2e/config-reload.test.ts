import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';

/**
 * A directory laid out like a mounted ConfigMap: `config.yaml → ..data/config.yaml`, `..data → ..<timestamp>`.
 * `publish` updates it the way the kubelet's AtomicWriter does: a new timestamped dir, a `..data_tmp` link renamed
 * over `..data`, then the old dir removed.
 */
class ConfigMapVolume {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'sidecar-configmap-'));
  readonly file = path.join(this.dir, 'config.yaml');
  private version = 0;
  private current: string | undefined;

  publish(yaml: string): void {
    const stamp = `..2026_01_01_00_00_00.${String(++this.version).padStart(9, '0')}`;
    mkdirSync(path.join(this.dir, stamp));
    writeFileSync(path.join(this.dir, stamp, 'config.yaml'), yaml);
    symlinkSync(stamp, path.join(this.dir, '..data_tmp'));
    renameSync(path.join(this.dir, '..data_tmp'), path.join(this.dir, '..data'));
    if (this.current) rmSync(path.join(this.dir, this.current), { recursive: true });
    else symlinkSync(path.join('..data', 'config.yaml'), this.file);
    this.current = stamp;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The config file: a 100 ms poll, the given aliases, and optional single lines under server and media. */
function configYaml(aliases: Record<string, string>, options: { server?: string; logging?: string; media?: string } = {}): string {
  const aliasLines = Object.entries(aliases).map(([name, model]) => `    ${name}: {model: ${model}}`);
  return [
    'server:',
    '  configReloadIntervalMs: 100',
    ...(options.server ? [`  ${options.server}`] : []),
    'models:',
    '  aliases:',
    ...aliasLines,
    ...(options.media ? ['media:', `  ${options.media}`] : []),
    'logging:',
    `  level: ${options.logging ?? 'warn'}`,
    '',
  ].join('\n');
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

describe('config hot reload of the sidecar process (dist/sidecar/main.js)', () => {
  let emulator: GeminiEmulator;
  let volume: ConfigMapVolume;
  let sidecar: SidecarProcess;

  /** Sends a chat request for `model`; returns the status and the Gemini model the emulator was asked for. */
  async function chat(model: string): Promise<{ status: number; upstreamModel: string | undefined }> {
    emulator.reset();
    const response = await fetch(`${sidecar.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
    });
    await response.arrayBuffer();
    return { status: response.status, upstreamModel: /\/models\/([^:]+):/.exec(emulator.lastRequest()?.path ?? '')?.[1] };
  }

  async function reloads(result: 'success' | 'failure'): Promise<number> {
    const text = await (await fetch(`${sidecar.adminUrl}/metrics`)).text();
    return Number(new RegExp(`^gemini_sidecar_config_reloads_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  }

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    volume = new ConfigMapVolume();
    volume.publish(configYaml({ 'team-model': 'gemini-2.5-flash' }));
    // LOG_LEVEL unset, so the file's logging.level applies (an environment variable would pin it).
    sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: volume.file, LOG_LEVEL: '' });
  });

  afterAll(async () => {
    await sidecar?.stop();
    await emulator?.close();
    volume?.remove();
  });

  it('serves the aliases of the file it started with', async () => {
    expect(await chat('team-model')).toEqual({ status: 200, upstreamModel: 'gemini-2.5-flash' });
    expect((await chat('new-model')).status).toBe(404);
    expect(await reloads('success')).toBe(0);
  });

  it('applies changed aliases and the log level after a ..data swap, and warns about keys that need a restart', async () => {
    volume.publish(
      configYaml({ 'team-model': 'gemini-2.5-pro', 'new-model': 'gemini-2.5-flash-lite' }, { server: 'bodyLimitBytes: 1048576', logging: 'info' }),
    );
    await eventually(() => chat('team-model'), (answer) => answer.upstreamModel === 'gemini-2.5-pro');
    expect(await chat('new-model')).toEqual({ status: 200, upstreamModel: 'gemini-2.5-flash-lite' });
    const output = await eventually(() => sidecar.output(), (text) => text.includes('config file reloaded'));
    const restartWarning = output.split('\n').find((line) => line.includes('apply only after a restart'));
    expect(JSON.parse(restartWarning ?? '{}')).toMatchObject({ level: 40, keys: ['server.bodyLimitBytes'], file: volume.file });
    expect(await reloads('success')).toBe(1);
  });

  it('keeps the running config when the new file is invalid, and logs why', async () => {
    volume.publish(configYaml({ 'team-model': 'gemini-2.5-flash' }, { media: 'remoteUrls: sometimes' }));
    const output = await eventually(() => sidecar.output(), (text) => text.includes('is invalid; keeping the running configuration'));
    const warning = JSON.parse(output.split('\n').find((line) => line.includes('is invalid; keeping')) ?? '{}') as { level?: number; reason?: string };
    expect(warning.level).toBe(40);
    expect(warning.reason).toContain('media.remoteUrls');
    expect(await chat('team-model')).toEqual({ status: 200, upstreamModel: 'gemini-2.5-pro' });
    expect(await reloads('failure')).toBe(1);
    expect(await reloads('success')).toBe(1);
  });

  it('applies the next valid file after an invalid one', async () => {
    volume.publish(configYaml({ 'team-model': 'gemini-2.5-flash' }));
    await eventually(() => chat('team-model'), (answer) => answer.upstreamModel === 'gemini-2.5-flash');
    expect((await chat('new-model')).status).toBe(404);
    expect(await reloads('success')).toBe(2);
  });
});
