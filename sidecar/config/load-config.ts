import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deepFreeze } from '../util/deep-freeze';
import { ENV_OVERRIDES, configSchema, type EnvOverride, type SidecarConfig } from './config-schema';

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

/** Reads the YAML file, overlays the environment, validates once and freezes. The only reader of process.env. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): SidecarConfig {
  const explicitFile = env.CONFIG_FILE;
  const file = configFilePath(env, cwd);
  const tree = withoutNulls(existsSync(file) ? readYaml(file) : missingFile(file, explicitFile));
  const envKeyByPath = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.env];
    envKeyByPath.set(override.path.join('.'), override.env);
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
    const envName = envKeyByPath.get(key);
    const secret = envName === 'GEMINI_API_KEY' || envName === 'GEMINI_API_KEYS' || envName === 'SIDECAR_API_KEYS';
    const shown = envName && env[envName] && !secret ? `=${JSON.stringify(env[envName])}` : '';
    const where = envName ? `${key} (env ${envName}${shown}, file ${file})` : `${key} (file ${file})`;
    throw new ConfigError(`Invalid configuration ${where}: ${issue?.message ?? 'invalid value'}`);
  }
  const config = withKeysFromFile(result.data);
  if (config.auth.clientKeys.length > 0 && !config.gemini.apiKey && config.gemini.apiKeys.length === 0) {
    throw new ConfigError(
      'Invalid configuration auth.clientKeys (env SIDECAR_API_KEYS): callers then present sidecar keys, so the sidecar needs its own Gemini key (gemini.apiKey / GEMINI_API_KEY or gemini.apiKeys / GEMINI_API_KEYS)',
    );
  }
  return deepFreeze(config);
}

function envValue(kind: EnvOverride['kind'], raw: string): unknown {
  if (kind === 'integer') return /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (kind === 'list') return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return raw;
}

/** Keys from a mounted file or Secret (one per line, # comments) join the pool; the file is read once, here. */
function withKeysFromFile(config: SidecarConfig): SidecarConfig {
  const file = config.gemini.apiKeysFile;
  if (!file) return config;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read gemini.apiKeysFile (env GEMINI_API_KEYS_FILE) ${file}: ${(error as Error).message}`);
  }
  const keys = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
  if (keys.length === 0) throw new ConfigError(`gemini.apiKeysFile (env GEMINI_API_KEYS_FILE) ${file} holds no key`);
  return { ...config, gemini: { ...config.gemini, apiKeys: [...config.gemini.apiKeys, ...keys] } };
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
