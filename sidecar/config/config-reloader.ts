import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../observability/logger';
import type { SidecarConfig } from './config-schema';
import { planConfigReload } from './plan-config-reload';

/** What the reloader needs: the file to poll, how to load it, and the running config to compare with and replace. */
export interface ConfigReloaderOptions {
  file: string;
  /** Poll period; 0 starts no poller. */
  intervalMs: number;
  /** The file's fingerprint when the running config was loaded (take it before loading, so no change is missed). */
  baseline: string;
  /** Loads and validates the file (the start-up loader, environment overrides included); throws when invalid. */
  load(): SidecarConfig;
  running(): SidecarConfig;
  apply(config: SidecarConfig): void;
  logger: Logger;
  /** Called once per changed file content. */
  onResult?(result: 'success' | 'failure'): void;
}

/** A started poller. */
export interface ConfigReloader {
  /** Reads the file once and reloads when its content changed; the timer calls this. */
  check(): Promise<void>;
  stop(): void;
}

/**
 * The file's content hash, or why it cannot be read. Kubernetes updates a mounted ConfigMap by swapping the `..data`
 * symlink of its directory (https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically):
 * the path stays and inotify on it sees nothing, so the content is polled and compared.
 */
export function configFileFingerprint(file: string): string {
  try {
    return hash(readFileSync(file));
  } catch (error) {
    return unreadable(error);
  }
}

/** Polls `file` every `intervalMs`; a valid change applies its live keys, an invalid one is logged and ignored. */
export function startConfigReloader(options: ConfigReloaderOptions): ConfigReloader {
  let seen = options.baseline;
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const fingerprint = await readFile(options.file).then(hash, unreadable);
      if (fingerprint === seen) return;
      // Remembered even when invalid: the same bad content is reported once, not on every poll.
      seen = fingerprint;
      reload(options);
    } finally {
      checking = false;
    }
  };
  const timer = options.intervalMs > 0 ? setInterval(() => void check(), options.intervalMs).unref() : undefined;
  return { check, stop: () => clearInterval(timer) };
}

function reload(options: ConfigReloaderOptions): void {
  const { file, logger } = options;
  let loaded: SidecarConfig;
  try {
    loaded = options.load();
  } catch (error) {
    logger.warn({ file, reason: (error as Error).message }, 'config file changed but is invalid; keeping the running configuration');
    options.onResult?.('failure');
    return;
  }
  const plan = planConfigReload(options.running(), loaded);
  if (plan.applied.length > 0) options.apply(plan.config);
  logger.info({ file, applied: plan.applied }, 'config file reloaded');
  if (plan.needsRestart.length > 0) {
    logger.warn({ file, keys: plan.needsRestart }, 'config file changed keys that apply only after a restart; they keep their running values');
  }
  options.onResult?.('success');
}

function hash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function unreadable(error: unknown): string {
  return `unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
}
