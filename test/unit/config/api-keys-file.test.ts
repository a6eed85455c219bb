import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseApiKeys, readApiKeysFile, watchApiKeysFile, type ApiKeysFileWatcher } from '@sidecar/config/api-keys-file';
import { ConfigError } from '@sidecar/config/load-config';

let dir: string;
let file: string;
let watcher: ApiKeysFileWatcher | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecar-keys-file-'));
  file = path.join(dir, 'keys');
});

afterEach(() => {
  watcher?.stop();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A watcher with no timer (tests call check()), recording what it reported. */
function watch() {
  const reports: Array<{ keys?: string[]; invalid?: string }> = [];
  const baseline = readApiKeysFile(file).fingerprint;
  watcher = watchApiKeysFile({ file, intervalMs: 0, baseline, onKeys: (keys) => reports.push({ keys }), onInvalid: (invalid) => reports.push({ invalid }) });
  return { reports, check: () => watcher!.check() };
}

describe('GEMINI_API_KEYS_FILE', () => {
  it('holds one key per line, without blank lines, comments or surrounding space', () => {
    expect(parseApiKeys('# rotated 2026-11-30\r\nkey-one\n\n  key-two  \n#key-three\n')).toEqual(['key-one', 'key-two']);
  });

  it('is a ConfigError naming the key and the variable at start-up when missing or empty, never showing a key', () => {
    expect(() => readApiKeysFile(file)).toThrow(ConfigError);
    expect(() => readApiKeysFile(file)).toThrow(/gemini\.apiKeysFile \(env GEMINI_API_KEYS_FILE\)/);
    writeFileSync(file, '# nothing yet\n');
    expect(() => readApiKeysFile(file)).toThrow(/holds no key/);
  });

  it('reports a changed file once, with its keys', async () => {
    writeFileSync(file, 'key-one\n');
    const { reports, check } = watch();
    await check();
    expect(reports).toEqual([]);
    writeFileSync(file, 'key-one\nkey-two\n');
    await check();
    await check();
    expect(reports).toEqual([{ keys: ['key-one', 'key-two'] }]);
  });

  it('keeps the running keys when the file turns empty or disappears, and reports that once', async () => {
    writeFileSync(file, 'key-one\n');
    const { reports, check } = watch();
    writeFileSync(file, '');
    await check();
    await check();
    unlinkSync(file);
    await check();
    writeFileSync(file, 'key-two\n');
    await check();
    expect(reports).toEqual([{ invalid: 'it holds no key' }, { invalid: 'it cannot be read (ENOENT)' }, { keys: ['key-two'] }]);
  });

  it('polls on its own every intervalMs', async () => {
    writeFileSync(file, 'key-one\n');
    const reports: string[][] = [];
    watcher = watchApiKeysFile({ file, intervalMs: 10, baseline: readApiKeysFile(file).fingerprint, onKeys: (keys) => reports.push(keys), onInvalid: () => undefined });
    writeFileSync(file, 'key-three\n');
    const deadline = Date.now() + 2_000;
    while (reports.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reports).toEqual([['key-three']]);
  });
});
