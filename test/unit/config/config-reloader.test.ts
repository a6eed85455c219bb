import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { SidecarConfig } from '@sidecar/config/config-schema';
import { configFileFingerprint, startConfigReloader, type ConfigReloader } from '@sidecar/config/config-reloader';
import { loadConfig } from '@sidecar/config/load-config';
import { createLogger } from '@sidecar/observability/logger';

let dir: string;
let reloader: ConfigReloader | undefined;
let version = 0;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecar-reload-'));
});

afterEach(() => {
  reloader?.stop();
  reloader = undefined;
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Publishes `yaml` the way the kubelet updates a ConfigMap volume: a new timestamped dir, then an atomic `..data` swap. */
function publish(yaml: string): string {
  const stamp = `..2026_01_01_00_00_00.${++version}`;
  mkdirSync(path.join(dir, stamp));
  writeFileSync(path.join(dir, stamp, 'config.yaml'), yaml);
  symlinkSync(stamp, path.join(dir, '..data_tmp'));
  renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  const file = path.join(dir, 'config.yaml');
  try {
    symlinkSync(path.join('..data', 'config.yaml'), file);
  } catch {
    // The user-visible link already exists: it keeps pointing into ..data.
  }
  return file;
}

/** A reloader on `file` with no timer (tests call check()), recording what it applied, its results and its log lines. */
function reloaderFor(file: string, intervalMs = 0) {
  const env = { CONFIG_FILE: file };
  let running = loadConfig(env);
  const applied: SidecarConfig[] = [];
  const results: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  reloader = startConfigReloader({
    file,
    intervalMs,
    baseline: configFileFingerprint(file),
    load: () => loadConfig(env),
    running: () => running,
    apply: (config) => {
      running = config;
      applied.push(config);
    },
    logger: createLogger('info', sink),
    onResult: (result) => results.push(result),
  });
  return { reloader, applied, results, logs, running: () => running };
}

const ALIAS_FLASH = 'models:\n  aliases:\n    team-model: {model: gemini-2.5-flash}\n';
const ALIAS_PRO = 'models:\n  aliases:\n    team-model: {model: gemini-2.5-pro}\n';

describe('startConfigReloader', () => {
  it('does nothing while the file content is unchanged', async () => {
    const file = publish(ALIAS_FLASH);
    const state = reloaderFor(file);
    publish(ALIAS_FLASH);
    await state.reloader.check();
    expect(state.results).toEqual([]);
    expect(state.applied).toEqual([]);
  });

  it('applies an alias changed by a ..data symlink swap', async () => {
    const file = publish(ALIAS_FLASH);
    const state = reloaderFor(file);
    publish(ALIAS_PRO);
    await state.reloader.check();
    expect(state.results).toEqual(['success']);
    expect(state.running().models.aliases['team-model']).toEqual({ model: 'gemini-2.5-pro' });
    expect(state.logs.find((line) => line.msg === 'config file reloaded')).toMatchObject({ applied: ['models.aliases.team-model.model'] });
  });

  it('warns with the keys that need a restart and keeps their running values', async () => {
    const file = publish(`server:\n  port: 8080\n${ALIAS_FLASH}`);
    const state = reloaderFor(file);
    publish(`server:\n  port: 9999\n  bodyLimitBytes: 10\n${ALIAS_PRO}`);
    await state.reloader.check();
    expect(state.running().server.port).toBe(8080);
    expect(state.running().server.bodyLimitBytes).toBe(33_554_432);
    expect(state.running().models.aliases['team-model']!.model).toBe('gemini-2.5-pro');
    const warning = state.logs.find((line) => line.level === 40);
    expect(warning).toMatchObject({ file, keys: ['server.port', 'server.bodyLimitBytes'] });
  });

  it('keeps the running config when the new file is invalid, reports it once, and takes the next valid one', async () => {
    const file = publish(ALIAS_FLASH);
    const state = reloaderFor(file);
    const before = state.running();
    publish(`media:\n  remoteUrls: sometimes\n${ALIAS_PRO}`);
    await state.reloader.check();
    await state.reloader.check();
    expect(state.running()).toBe(before);
    expect(state.results).toEqual(['failure']);
    const warnings = state.logs.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.reason).toContain('media.remoteUrls');
    publish(ALIAS_PRO);
    await state.reloader.check();
    expect(state.results).toEqual(['failure', 'success']);
    expect(state.running().models.aliases['team-model']!.model).toBe('gemini-2.5-pro');
  });

  it('treats a vanished file as an invalid change', async () => {
    const file = publish(ALIAS_FLASH);
    const state = reloaderFor(file);
    rmSync(path.join(dir, '..data'));
    await state.reloader.check();
    expect(state.results).toEqual(['failure']);
    expect(state.logs.find((line) => line.level === 40)?.reason).toContain('not found');
  });

  it('polls on its own every intervalMs', async () => {
    const file = publish(ALIAS_FLASH);
    const state = reloaderFor(file, 20);
    publish(ALIAS_PRO);
    const deadline = Date.now() + 5000;
    while (state.results.length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 10));
    expect(state.results).toEqual(['success']);
  });

  it('starts no timer when intervalMs is 0', () => {
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    reloaderFor(publish(ALIAS_FLASH), 0);
    expect(setIntervalSpy).not.toHaveBeenCalled();
  });
});

describe('configFileFingerprint', () => {
  it('changes with the content and names a missing file', () => {
    const file = path.join(dir, 'c.yaml');
    expect(configFileFingerprint(file)).toBe('unreadable: ENOENT');
    writeFileSync(file, 'a: 1\n');
    const first = configFileFingerprint(file);
    writeFileSync(file, 'a: 2\n');
    expect(configFileFingerprint(file)).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });
});
