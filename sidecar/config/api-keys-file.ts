import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from './load-config';

/** The keys of GEMINI_API_KEYS_FILE and the hash of the content they came from. */
export interface ApiKeysFile {
  keys: string[];
  fingerprint: string;
}

/** What the watcher needs: the file, the poll period and the content the running keys came from. */
export interface ApiKeysFileWatcherOptions {
  file: string;
  /** Poll period; 0 starts no poller. */
  intervalMs: number;
  /** `fingerprint` of the content the running keys were read from. */
  baseline: string;
  /** The file changed and holds keys. */
  onKeys(keys: string[]): void;
  /** The file changed but cannot be read or holds no key: the running keys stay. */
  onInvalid(reason: string): void;
}

/** A started poller. */
export interface ApiKeysFileWatcher {
  /** Reads the file once and reports a changed content; the timer calls this. */
  check(): Promise<void>;
  stop(): void;
}

/** One key per line; blank lines and `#` comments are skipped. */
export function parseApiKeys(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** Reads the key file at start-up: a file that cannot be read or holds no key is a ConfigError naming the setting. */
export function readApiKeysFile(file: string): ApiKeysFile {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new ConfigError(`Cannot read gemini.apiKeysFile (env GEMINI_API_KEYS_FILE) ${file}: ${(error as Error).message}`);
  }
  const keys = parseApiKeys(content.toString('utf8'));
  if (keys.length === 0) throw new ConfigError(`gemini.apiKeysFile (env GEMINI_API_KEYS_FILE) ${file} holds no key`);
  return { keys, fingerprint: hash(content) };
}

/**
 * Polls the key file by content hash, as the config reloader polls its file: a rotated Secret is swapped behind a
 * `..data` symlink, which file watchers do not see. A change with keys is reported once; an unreadable or empty file
 * (a Secret being rewritten) keeps the running keys and is reported once per content.
 */
export function watchApiKeysFile(options: ApiKeysFileWatcherOptions): ApiKeysFileWatcher {
  let seen = options.baseline;
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const read = await readFile(options.file).then(
        (content) => ({ fingerprint: hash(content), keys: parseApiKeys(content.toString('utf8')), reason: 'it holds no key' }),
        (error: NodeJS.ErrnoException) => ({ fingerprint: `unreadable: ${error.code ?? error.message}`, keys: [], reason: `it cannot be read (${error.code ?? error.message})` }),
      );
      if (read.fingerprint === seen) return;
      seen = read.fingerprint;
      if (read.keys.length > 0) options.onKeys(read.keys);
      else options.onInvalid(read.reason);
    } finally {
      checking = false;
    }
  };
  const timer = options.intervalMs > 0 ? setInterval(() => void check(), options.intervalMs).unref() : undefined;
  return { check, stop: () => clearInterval(timer) };
}

function hash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
