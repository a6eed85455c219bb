import { configSchema, type SidecarConfig } from '@sidecar/config/config-schema';
import { changedConfigKeys, isLiveConfigKey, LIVE_CONFIG_KEYS, planConfigReload } from '@sidecar/config/plan-config-reload';
import { deepFreeze } from '@sidecar/util/deep-freeze';

/** A frozen config like loadConfig returns: defaults plus `input`. */
function config(input: Record<string, unknown> = {}): SidecarConfig {
  return deepFreeze(configSchema.parse(input));
}

const RUNNING = config({
  server: { port: 8080, bodyLimitBytes: 1000 },
  gemini: { apiKey: 'running-secret-key', retry: { maxAttempts: 3 } },
  models: { aliases: { 'team-model': { model: 'gemini-2.5-flash' } } },
  logging: { level: 'warn' },
});

/** Dotted paths of the leaves of a tree (arrays are leaves). */
function leafKeys(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) return [prefix];
  return Object.entries(tree).flatMap(([key, value]) => leafKeys(value, prefix ? `${prefix}.${key}` : key));
}

/** Every key of the schema, dotted, from a config with every optional key set (the aliases record as one key). */
function schemaLeafKeys(): string[] {
  const full = config({
    server: { socketPath: '/tmp/s.sock' },
    gemini: { apiKey: 'k', apiKeysFile: '/k' },
    store: { redisUrl: 'redis://redis:6379', redisPassword: 'p', encryptionKey: Buffer.alloc(32).toString('base64') },
  });
  return leafKeys(full).filter((key) => !key.startsWith('models.aliases.')).concat('models.aliases');
}

describe('changedConfigKeys', () => {
  it.each([
    { name: 'nothing for equal trees', before: { a: { b: 1 } }, after: { a: { b: 1 } }, expected: [] },
    { name: 'the dotted path of a changed leaf', before: { a: { b: 1, c: 2 } }, after: { a: { b: 1, c: 3 } }, expected: ['a.c'] },
    { name: 'added and removed keys', before: { a: { b: 1 } }, after: { a: { c: 1 } }, expected: ['a.b', 'a.c'] },
    { name: 'an array as one value', before: { a: ['x', 'y'] }, after: { a: ['x', 'z'] }, expected: ['a'] },
    { name: 'a mapping replaced by a scalar', before: { a: { b: 1 } }, after: { a: 2 }, expected: ['a'] },
  ])('returns $name', ({ before, after, expected }) => {
    expect(changedConfigKeys(before, after)).toEqual(expected);
  });
});

describe('planConfigReload', () => {
  it('applies nothing and keeps the running object when nothing differs', () => {
    const plan = planConfigReload(RUNNING, config(JSON.parse(JSON.stringify(RUNNING))));
    expect(plan).toEqual({ config: RUNNING, applied: [], needsRestart: [] });
    expect(plan.config).toBe(RUNNING);
  });

  it('takes a changed alias, and keeps the running values of keys that need a restart', () => {
    const loaded = config({
      server: { port: 9999, bodyLimitBytes: 2000 },
      gemini: { apiKey: 'running-secret-key', retry: { maxAttempts: 5 }, baseUrl: 'http://elsewhere.example' },
      models: { aliases: { 'team-model': { model: 'gemini-2.5-pro' }, added: { model: 'gemini-2.5-flash-lite' } } },
      logging: { level: 'debug' },
    });
    const plan = planConfigReload(RUNNING, loaded);
    expect(plan.applied.sort()).toEqual(['gemini.retry.maxAttempts', 'logging.level', 'models.aliases.added', 'models.aliases.team-model.model']);
    expect(plan.needsRestart.sort()).toEqual(['gemini.baseUrl', 'server.bodyLimitBytes', 'server.port']);
    expect(plan.config.models.aliases).toEqual({ 'team-model': { model: 'gemini-2.5-pro' }, added: { model: 'gemini-2.5-flash-lite' } });
    expect(plan.config.gemini.retry.maxAttempts).toBe(5);
    expect(plan.config.logging.level).toBe('debug');
    expect(plan.config.server).toEqual(RUNNING.server);
    expect(plan.config.gemini.baseUrl).toBe(RUNNING.gemini.baseUrl);
    expect(RUNNING.models.aliases['team-model']!.model).toBe('gemini-2.5-flash');
  });

  it('drops an alias the file no longer has', () => {
    const plan = planConfigReload(RUNNING, config({ gemini: { apiKey: 'running-secret-key' }, models: { aliases: {} } }));
    expect(plan.applied).toContain('models.aliases.team-model');
    expect(plan.config.models.aliases).toEqual({});
  });

  it('returns a deeply frozen config', () => {
    const plan = planConfigReload(RUNNING, config({ ...RUNNING, media: { remoteUrls: 'pass-through' } }));
    expect(plan.applied).toEqual(['media.remoteUrls']);
    expect(Object.isFrozen(plan.config)).toBe(true);
    expect(Object.isFrozen(plan.config.media)).toBe(true);
    expect(Object.isFrozen(plan.config.models.aliases['team-model'])).toBe(true);
  });

  it('names a changed key without its value', () => {
    const plan = planConfigReload(RUNNING, config({ ...RUNNING, gemini: { ...RUNNING.gemini, apiKey: 'new-secret-key', apiKeys: ['pool-secret-key'] } }));
    expect(plan.needsRestart.sort()).toEqual(['gemini.apiKey', 'gemini.apiKeys']);
    expect(plan.applied).toEqual([]);
    expect(JSON.stringify(plan)).not.toMatch(/new-secret-key|pool-secret-key/);
  });
});

describe('LIVE_CONFIG_KEYS', () => {
  it('names keys that exist in the schema', () => {
    const keys = schemaLeafKeys();
    expect(LIVE_CONFIG_KEYS.filter((live) => !keys.some((key) => key === live || key.startsWith(`${live}.`)))).toEqual([]);
  });

  it('leaves exactly the keys built into servers, agents and registries at start-up for a restart', () => {
    expect(schemaLeafKeys().filter((key) => !isLiveConfigKey(key)).sort()).toEqual([
      'auth.clientKeys',
      'auth.trustIngress',
      'consumers.allow',
      'consumers.dailyBudgetUsd',
      'consumers.headers',
      'consumers.ingressSecretHeader',
      'consumers.maxConsumers',
      'gemini.apiKey',
      'gemini.apiKeys',
      'gemini.apiKeysFile',
      'gemini.apiVersion',
      'gemini.baseUrl',
      'gemini.connectTimeoutMs',
      'gemini.firstByteTimeoutMs',
      'gemini.idleTimeoutMs',
      'metrics.defaultMetrics',
      'metrics.format',
      'metrics.models',
      'pricing.prices',
      'server.adminPort',
      'server.bodyLimitBytes',
      'server.configReloadIntervalMs',
      'server.host',
      'server.maxConcurrentRequests',
      'server.port',
      'server.socketPath',
      'store.encryptionKey',
      'store.maxEntryBytes',
      'store.redisPassword',
      'store.redisUrl',
      'store.ttlSeconds',
      'vertex.apiVersion',
      'vertex.credentialsTimeoutMs',
      'vertex.enabled',
      'vertex.location',
      'vertex.tokenRefreshMarginMs',
    ]);
  });
});
