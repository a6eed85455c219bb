import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '@sidecar/config/load-config';

const REPO_ROOT = path.resolve(__dirname, '../../..');

const DEFAULTS = {
  server: {
    host: '0.0.0.0',
    port: 8080,
    adminPort: 9090,
    bodyLimitBytes: 33_554_432,
    maxUrlBytes: 8192,
    maxConcurrentRequests: 2048,
    drainDelayMs: 5000,
    shutdownTimeoutMs: 30_000,
    configReloadIntervalMs: 2000,
  },
  gemini: {
    baseUrl: 'https://generativelanguage.googleapis.com',
    apiVersion: 'v1beta',
    connectTimeoutMs: 10_000,
    firstByteTimeoutMs: 600_000,
    idleTimeoutMs: 300_000,
    totalTimeoutMs: 900_000,
    maxEventBytes: 67_108_864,
    invalidKeyCooldownMs: 600_000,
    apiKeys: [],
    retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryWaitMs: 10_000, deadlineMs: 60_000 },
  },
  auth: { clientKeys: [], trustIngress: false },
  models: {
    aliases: {
      'tts-1': { model: 'gemini-3.8-flash-lite-tts' },
      'tts-1-hd': { model: 'gemini-3.8-flash-tts' },
      'gpt-4o-mini-tts': { model: 'gemini-3.8-flash-tts' },
      'whisper-1': { model: 'gemini-3.5-flash' },
      'gpt-4o-transcribe': { model: 'gemini-3.5-flash' },
      'gpt-4o-mini-transcribe': { model: 'gemini-3.5-flash-lite' },
      'text-embedding-004': { model: 'gemini-embedding-001', dimensions: 768, notice: expect.any(String) },
      'imagen-3.0-generate-001': { model: 'gemini-2.5-flash-image', notice: expect.any(String) },
      'imagen-3.0-generate-002': { model: 'gemini-2.5-flash-image', notice: expect.any(String) },
      'gemini-2.5-flash-image-preview': { model: 'gemini-2.5-flash-image', notice: expect.any(String) },
      'gemini-3-pro-preview': { model: 'gemini-3.1-pro-preview', notice: expect.any(String) },
      'gemini-2.0-flash': { model: 'gemini-flash-latest', notice: expect.any(String) },
      'gemini-2.0-flash-001': { model: 'gemini-flash-latest', notice: expect.any(String) },
      'gemini-2.0-flash-lite': { model: 'gemini-flash-lite-latest', notice: expect.any(String) },
      'gemini-1.5-pro': { model: 'gemini-pro-latest', notice: expect.any(String) },
      'gemini-1.5-flash': { model: 'gemini-flash-latest', notice: expect.any(String) },
    },
    listCacheTtlMs: 300_000,
    fanOutCandidates: true,
    geminiFacts: 'unknown',
    capabilities: [],
  },
  media: { remoteUrls: 'fetch', allowPrivateNetworks: false, maxBytes: 20_971_520, timeoutMs: 15_000 },
  uploads: { audioMaxBytes: 26_214_400, imageMaxBytes: 33_554_432 },
  metrics: { format: 'prometheus', models: expect.arrayContaining(['gemini-2.5-flash']), defaultMetrics: true },
  tracing: { captureContent: false },
  vertex: {
    enabled: false,
    location: 'global',
    apiVersion: 'v1',
    tokenRefreshMarginMs: 300_000,
    credentialsTimeoutMs: 10_000,
    labels: { metadata: [], headers: {}, static: {} },
  },
  store: { ttlSeconds: 2_592_000, maxEntryBytes: 4_194_304 },
  batch: { maxFileBytes: 209_715_200 },
  consumers: {
    headers: ['x-consumer-username', 'x-consumer-id'],
    ingressSecretHeader: 'x-sidecar-ingress-secret',
    allow: [],
    maxConsumers: 100,
    dailyBudgetUsd: 0,
    budgets: {},
  },
  pricing: { prices: [] },
  logging: { level: 'info' },
};

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecar-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `config/default.yaml` (or another relative path) under the temp dir. */
function writeConfig(yaml: string, relative = 'config/default.yaml'): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, yaml);
  return file;
}

/** The ConfigError a load throws; fails the test when it loads or throws something else. */
function configErrorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('returns the built-in defaults when there is no file', () => {
    expect(loadConfig({}, dir)).toEqual(DEFAULTS);
  });

  it('loads the repo config/default.yaml, which equals the built-in defaults', () => {
    expect(loadConfig({}, REPO_ROOT)).toEqual(DEFAULTS);
  });

  it('reads values from config/default.yaml under cwd', () => {
    writeConfig('server:\n  port: 8181\nlogging:\n  level: debug\n');
    const config = loadConfig({}, dir);
    expect(config.server).toEqual({ ...DEFAULTS.server, port: 8181 });
    expect(config.logging.level).toBe('debug');
  });

  it('treats an empty file as defaults', () => {
    writeConfig('# nothing set\n');
    expect(loadConfig({}, dir)).toEqual(DEFAULTS);
  });

  it('uses the defaults of a section whose keys are all commented out', () => {
    writeConfig('logging:\n  # level: info\n');
    expect(loadConfig({}, dir)).toEqual(DEFAULTS);
  });

  const overrides = [
    { name: 'PORT overrides server.port from the file', env: { PORT: '3000' }, pick: (c: Cfg) => c.server.port, expected: 3000 },
    { name: 'ADMIN_PORT overrides server.adminPort from the file', env: { ADMIN_PORT: '3001' }, pick: (c: Cfg) => c.server.adminPort, expected: 3001 },
    { name: 'GEMINI_API_KEY overrides gemini.apiKey from the file', env: { GEMINI_API_KEY: 'env-key' }, pick: (c: Cfg) => c.gemini.apiKey, expected: 'env-key' },
    {
      name: 'GEMINI_BASE_URL overrides gemini.baseUrl from the file',
      env: { GEMINI_BASE_URL: 'http://127.0.0.1:4000' },
      pick: (c: Cfg) => c.gemini.baseUrl,
      expected: 'http://127.0.0.1:4000',
    },
    { name: 'LOG_LEVEL overrides logging.level from the file', env: { LOG_LEVEL: 'warn' }, pick: (c: Cfg) => c.logging.level, expected: 'warn' },
    { name: 'an empty env var leaves the file value', env: { PORT: '' }, pick: (c: Cfg) => c.server.port, expected: 8181 },
    { name: 'SIDECAR_TRUST_INGRESS=true sets auth.trustIngress', env: { SIDECAR_TRUST_INGRESS: 'true' }, pick: (c: Cfg) => c.auth.trustIngress, expected: true },
    { name: 'SIDECAR_TRUST_INGRESS=FALSE clears auth.trustIngress', env: { SIDECAR_TRUST_INGRESS: 'FALSE' }, pick: (c: Cfg) => c.auth.trustIngress, expected: false },
    { name: 'BATCH_MAX_FILE_BYTES sets batch.maxFileBytes', env: { BATCH_MAX_FILE_BYTES: '1073741824' }, pick: (c: Cfg) => c.batch.maxFileBytes, expected: 1_073_741_824 },
    { name: 'BATCH_SPOOL_DIR sets batch.spoolDir', env: { BATCH_SPOOL_DIR: '/var/spool/ogs' }, pick: (c: Cfg) => c.batch.spoolDir, expected: '/var/spool/ogs' },
  ];
  it.each(overrides)('$name', ({ env, pick, expected }) => {
    writeConfig(
      'server:\n  port: 8181\n  adminPort: 9191\ngemini:\n  apiKey: file-key\n  baseUrl: https://file.example\nlogging:\n  level: error\n',
    );
    expect(pick(loadConfig(env, dir))).toBe(expected);
  });

  it('reads the file named by CONFIG_FILE, relative to cwd', () => {
    writeConfig('server:\n  port: 1111\n');
    writeConfig('server:\n  port: 2222\n', 'other/sidecar.yaml');
    expect(loadConfig({ CONFIG_FILE: 'other/sidecar.yaml' }, dir).server.port).toBe(2222);
  });

  it('reads the file named by an absolute CONFIG_FILE', () => {
    const file = writeConfig('logging:\n  level: trace\n', 'elsewhere.yaml');
    expect(loadConfig({ CONFIG_FILE: file }, REPO_ROOT).logging.level).toBe('trace');
  });

  it('throws ConfigError naming CONFIG_FILE when that file is missing', () => {
    const error = configErrorFor({ CONFIG_FILE: 'missing.yaml' });
    expect(error.message).toContain('CONFIG_FILE');
    expect(error.message).toContain(path.join(dir, 'missing.yaml'));
  });

  const invalid = [
    { name: 'PORT=abc', env: { PORT: 'abc' }, yaml: undefined, mentions: ['server.port', 'PORT'] },
    { name: 'PORT=70000', env: { PORT: '70000' }, yaml: undefined, mentions: ['server.port', 'PORT'] },
    { name: 'ADMIN_PORT=-1', env: { ADMIN_PORT: '-1' }, yaml: undefined, mentions: ['server.adminPort', 'ADMIN_PORT'] },
    { name: 'LOG_LEVEL=loud', env: { LOG_LEVEL: 'loud' }, yaml: undefined, mentions: ['logging.level', 'LOG_LEVEL'] },
    { name: 'GEMINI_BASE_URL=ftp://x', env: { GEMINI_BASE_URL: 'ftp://x' }, yaml: undefined, mentions: ['gemini.baseUrl', 'GEMINI_BASE_URL'] },
    { name: 'a bad port in the file', env: {}, yaml: 'server:\n  port: eighty\n', mentions: ['server.port', 'PORT'] },
    { name: 'an unknown key in a section', env: {}, yaml: 'server:\n  prot: 8080\n', mentions: ['server', 'prot'] },
    { name: 'an unknown top-level key', env: {}, yaml: 'servr:\n  port: 8080\n', mentions: ['servr'] },
    { name: 'a bad apiVersion', env: {}, yaml: 'gemini:\n  apiVersion: v2\n', mentions: ['gemini.apiVersion'] },
    { name: 'a section that is not a mapping, with its env var set', env: { PORT: '9000' }, yaml: 'server: 8080\n', mentions: ['server'] },
    { name: 'a top level that is not a mapping', env: {}, yaml: '- a\n- b\n', mentions: ['top level'] },
    { name: 'YAML that does not parse', env: {}, yaml: 'server:\n  port: [\n', mentions: ['default.yaml'] },
  ];
  it.each(invalid)('throws a single-line ConfigError for $name', ({ env, yaml, mentions }) => {
    if (yaml !== undefined) writeConfig(yaml);
    const error = configErrorFor(env);
    expect(error.message).not.toContain('\n');
    for (const text of mentions) expect(error.message).toContain(text);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({}, dir);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.gemini)).toBe(true);
    expect(Object.isFrozen(config.logging)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

type Cfg = ReturnType<typeof loadConfig>;
