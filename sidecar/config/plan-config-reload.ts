import { deepFreeze } from '../util/deep-freeze';
import type { SidecarConfig } from './config-schema';

/**
 * Keys a running sidecar applies from a changed config file, with where each is read. Every other key (listen
 * addresses, body limit, concurrency limit, Gemini endpoint, keys and connection timeouts, client keys and the
 * trust in the ingress, metrics) is built into a server, agent or registry, or checked, at start-up and needs a
 * restart. The keys of GEMINI_API_KEYS_FILE are re-read by a watcher of their own (create-gemini-client.ts).
 */
export const LIVE_CONFIG_KEYS: readonly string[] = [
  // per request (create-app.ts)
  'server.maxUrlBytes',
  // at SIGTERM (main.ts)
  'server.drainDelayMs',
  'server.shutdownTimeoutMs',
  // per upstream call (create-gemini-client.ts)
  'gemini.totalTimeoutMs',
  'gemini.maxEventBytes',
  'gemini.retry',
  'gemini.invalidKeyCooldownMs',
  // per request (routes/)
  'models.aliases',
  'models.listCacheTtlMs',
  'models.fanOutCandidates',
  'models.geminiFacts',
  'models.capabilities',
  'media',
  'uploads',
  'tracing.captureContent',
  // per upload (routes/batch-upload.ts)
  'batch',
  'vertex.labels',
  // logger.level (main.ts)
  'logging.level',
];

/** What a changed config file means for the running sidecar. */
export interface ConfigReloadPlan {
  /** The config to run with: the running one with the live keys taken from the file. */
  config: SidecarConfig;
  /** Changed keys that `config` applies. */
  applied: string[];
  /** Changed keys that keep their running value until a restart. */
  needsRestart: string[];
}

/** Whether `key` (a dotted path such as `models.aliases.gpt-4o.model`) is applied without a restart. */
export function isLiveConfigKey(key: string): boolean {
  return LIVE_CONFIG_KEYS.some((live) => key === live || key.startsWith(`${live}.`));
}

/** Compares the running config with a freshly loaded one; keys are reported by name only, never with values. */
export function planConfigReload(running: SidecarConfig, loaded: SidecarConfig): ConfigReloadPlan {
  const changed = changedConfigKeys(running, loaded);
  const applied = changed.filter(isLiveConfigKey);
  const needsRestart = changed.filter((key) => !isLiveConfigKey(key));
  if (applied.length === 0) return { config: running, applied, needsRestart };
  const config = structuredClone(running) as Record<string, unknown>;
  for (const key of LIVE_CONFIG_KEYS) setPath(config, key.split('.'), getPath(loaded, key.split('.')));
  return { config: deepFreeze(config as SidecarConfig), applied, needsRestart };
}

/** Dotted paths of the leaves that differ; mappings are compared key by key, arrays and scalars as a whole. */
export function changedConfigKeys(before: unknown, after: unknown, prefix = ''): string[] {
  if (isMapping(before) && isMapping(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => changedConfigKeys(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(root)'];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getPath(tree: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isMapping(node) ? node[key] : undefined), tree);
}

function setPath(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const parent = getPath(tree, path.slice(0, -1));
  const key = path.at(-1)!;
  if (!isMapping(parent)) return;
  if (value === undefined) delete parent[key];
  else parent[key] = structuredClone(value);
}
