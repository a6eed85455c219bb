import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deepFreeze } from '../util/deep-freeze';
import { ENV_OVERRIDES, type EnvOverride } from './config-env';
import { configSchema, type SidecarConfig } from './config-schema';

/** Start-up configuration failure; its message is the one line printed before exiting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Where the YAML lives when CONFIG_FILE is unset. */
export const DEFAULT_CONFIG_FILE = 'config/default.yaml';

type Env = Record<string, string | undefined>;
type Tree = Record<string, unknown>;

/** The absolute path of the YAML file loadConfig reads: CONFIG_FILE, else config/default.yaml, relative to cwd. */
export function configFilePath(env: Env = process.env, cwd: string = process.cwd()): string {
  return resolve(cwd, env.CONFIG_FILE ?? DEFAULT_CONFIG_FILE);
}

/** Env variables holding keys: named in errors, never shown. */
const SECRET_ENV = new Set(['GEMINI_API_KEY', 'GEMINI_API_KEYS', 'SIDECAR_API_KEYS', 'REDIS_URL', 'REDIS_PASSWORD', 'STORE_ENCRYPTION_KEY', 'GOOGLE_API_KEY']);

/** Reads the YAML file, overlays the environment, validates once and freezes. The only reader of process.env. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): SidecarConfig {
  const explicitFile = env.CONFIG_FILE;
  const file = configFilePath(env, cwd);
  const tree = withoutNulls(existsSync(file) ? readYaml(file) : missingFile(file, explicitFile));
  const source = sourceNamer(file, structuredClone(tree), env);
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.env];
    if (raw === undefined || raw === '') continue;
    const section = (tree[override.path[0]] ??= {}) as Tree;
    if (typeof section !== 'object' || Array.isArray(section)) {
      throw new ConfigError(`Invalid configuration ${override.path[0]} (file ${file}): must be a mapping of keys`);
    }
    section[override.path[1]] = envValue(override.kind, raw);
  }
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : (issue?.path ?? []);
    const key = path.length > 0 ? path.join('.') : '(root)';
    throw new ConfigError(`Invalid configuration ${key} (${source(path)}): ${issue?.message ?? 'invalid value'}`);
  }
  const config = result.data;
  if (config.vertex.enabled && (config.gemini.apiKey || config.gemini.apiKeys.length > 0 || config.gemini.apiKeysFile)) {
    throw new ConfigError(
      `Invalid configuration vertex.enabled (${source(['vertex', 'enabled'])}): Gemini API keys (gemini.apiKey / GEMINI_API_KEY, gemini.apiKeys / GEMINI_API_KEYS, gemini.apiKeysFile / GEMINI_API_KEYS_FILE) are for the Developer API; Vertex AI takes Application Default Credentials or an express-mode key (vertex.apiKey / GOOGLE_API_KEY)`,
    );
  }
  if (config.auth.clientKeys.length > 0 && !config.vertex.enabled && !config.gemini.apiKey && config.gemini.apiKeys.length === 0 && !config.gemini.apiKeysFile) {
    throw new ConfigError(
      `Invalid configuration auth.clientKeys (${source(['auth', 'clientKeys'])}): callers then present sidecar keys, so the sidecar needs its own Gemini key (gemini.apiKey / GEMINI_API_KEY, gemini.apiKeys / GEMINI_API_KEYS or gemini.apiKeysFile / GEMINI_API_KEYS_FILE)`,
    );
  }
  const { port, adminPort, socketPath } = config.server;
  if (port === adminPort && port !== 0) {
    const alsoSocket = socketPath ? ' (with server.socketPath set the API still listens on server.port too)' : '';
    throw new ConfigError(
      `Invalid configuration server.port (${source(['server', 'port'])}) and server.adminPort (${source(['server', 'adminPort'])}) are both ${port}: the API and the admin server need different ports${alsoSocket}`,
    );
  }
  return deepFreeze(config);
}

/**
 * Names where the value at a config path came from: the env variable that set it (also for a list item, whose path
 * runs past the variable's key), else the file, else the built-in default; a variable that could set it is named too.
 */
function sourceNamer(file: string, fileTree: Tree, env: Env): (path: readonly (PropertyKey | undefined)[]) => string {
  return (path) => {
    const override = ENV_OVERRIDES.find((candidate) => candidate.path.every((part, index) => path[index] === part));
    const raw = override ? env[override.env] : undefined;
    if (override && raw !== undefined && raw !== '') {
      return `env ${override.env}${SECRET_ENV.has(override.env) ? '' : `=${JSON.stringify(raw)}`}`;
    }
    const origin = hasPath(fileTree, path) ? `file ${file}` : 'default';
    return override ? `${origin}; env ${override.env} not set` : origin;
  };
}

function hasPath(tree: unknown, path: readonly (PropertyKey | undefined)[]): boolean {
  let node = tree;
  for (const part of path) {
    if (part === undefined || typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return true;
}

function envValue(kind: EnvOverride['kind'], raw: string): unknown {
  if (kind === 'integer') return /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (kind === 'boolean') return ['true', 'false'].includes(raw.trim().toLowerCase()) ? raw.trim().toLowerCase() === 'true' : raw;
  if (kind === 'flag') {
    const flag = raw.trim().toLowerCase();
    return flag === 'true' || flag === '1' ? true : flag === 'false' || flag === '0' ? false : raw;
  }
  if (kind === 'list') return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return raw;
}

function readYaml(file: string): Tree {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid configuration file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid configuration file ${file}: the top level must be a mapping`);
  }
  return parsed as Tree;
}

function missingFile(file: string, explicitFile: string | undefined): Tree {
  if (explicitFile !== undefined) throw new ConfigError(`Configuration file not found: ${file} (env CONFIG_FILE)`);
  return {};
}

/** YAML reads `section:` with every key commented out (or `key:` with no value) as null: treat it as unset. */
function withoutNulls(tree: Tree): Tree {
  for (const [key, value] of Object.entries(tree)) {
    if (value === null) delete tree[key];
    else if (typeof value === 'object' && !Array.isArray(value)) withoutNulls(value as Tree);
  }
  return tree;
}
