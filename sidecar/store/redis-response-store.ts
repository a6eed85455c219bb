import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createClient, ErrorReply, RESP_TYPES, TimeoutError, type RedisClientType } from '@redis/client';
import { z } from 'zod';
import type { Logger } from '../observability/logger';
import { openEntry, sealEntry } from './entry-cipher';
import type { ResponseStore, StoredResponse } from './response-store';
import { STORE_ENTRY_TOO_LARGE, STORE_UNAVAILABLE, StoreError } from './store-error';

/** How RedisResponseStore reaches Redis and what it keeps. */
export interface RedisResponseStoreOptions {
  /** redis:// or rediss:// URL; credentials in it are used, never logged. */
  url: string;
  password?: string;
  /** AES-256 key (32 bytes) sealing every value. */
  encryptionKey: Buffer;
  ttlSeconds: number;
  /** Largest entry accepted, as serialized JSON. */
  maxEntryBytes: number;
  logger: Logger;
  /** Longest a request waits for a connection (first use, or while Redis is down). */
  connectTimeoutMs?: number;
  /** Longest a request waits for one command's answer. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts (the backoff doubles up to it). */
  maxReconnectDelayMs?: number;
}

const KEY_PREFIX = 'ogs:resp:';
const DEFAULT_TIMEOUT_MS = 2000;

/** What get() accepts from a decrypted value; extra fields a later version adds are kept. */
const storedResponseSchema = z.looseObject({
  id: z.string(),
  input: z.array(z.unknown()),
  response: z.record(z.string(), z.unknown()),
});

/**
 * The response store on Redis, shared by every replica. Keys are `ogs:resp:<sha256(tenant, id)>`, so neither the id
 * nor the tenant is readable in Redis and another tenant's lookup of the same id misses; values are sealed with
 * AES-256-GCM with the tenant and id bound as AAD. The connection opens on first use and reconnects with backoff; no
 * request waits longer than the connect or command timeout, and while Redis is known to be down requests fail at once.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly options: RedisResponseStoreOptions;
  private readonly connectTimeoutMs: number;
  private readonly client: RedisClientType;
  /** scheme://host:port of the Redis, for logs (no credentials). */
  readonly target: string;
  private connecting: Promise<void> | undefined;
  private waiting: Promise<void> | undefined;
  /** The last connection failure while not ready: requests fail fast until the client is ready again. */
  private outage: Error | undefined;
  private closed = false;

  constructor(options: RedisResponseStoreOptions) {
    this.options = options;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxDelayMs = options.maxReconnectDelayMs ?? DEFAULT_TIMEOUT_MS;
    this.target = redisTarget(options.url);
    this.client = createClient({
      url: options.url,
      ...(options.password ? { password: options.password } : {}),
      // Commands fail at once while disconnected instead of queueing until Redis is back (a request must not hang).
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS },
      socket: {
        connectTimeout: this.connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelayMs) * (0.75 + Math.random() / 4),
      },
    });
    this.client.on('error', (error: Error) => this.onConnectionError(error));
    this.client.on('ready', () => {
      if (this.outage) options.logger.info({ redis: this.target }, 'response store: Redis reachable again');
      this.outage = undefined;
    });
  }

  async put(tenant: string, entry: StoredResponse): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify(entry), 'utf8');
    if (plaintext.length > this.options.maxEntryBytes) {
      throw new StoreError(
        STORE_ENTRY_TOO_LARGE,
        `The response and its conversation are ${plaintext.length} bytes, above the response store's limit of ${this.options.maxEntryBytes} bytes (store.maxEntryBytes); send store: false, or start a new conversation.`,
      );
    }
    const sealed = sealEntry(this.options.encryptionKey, additionalData(tenant, entry.id), plaintext);
    const client = await this.ready();
    await command(() => client.set(redisKey(tenant, entry.id), sealed, { expiration: { type: 'PX', value: this.options.ttlSeconds * 1000 } }));
  }

  async get(tenant: string, id: string): Promise<StoredResponse | undefined> {
    const client = await this.ready();
    const sealed = await command(() => client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(redisKey(tenant, id)));
    if (sealed === null) return undefined;
    // Another encryption key (rotated, or a replica configured differently) or a damaged value: treated as absent. The
    // log names the stage only: a parser's message could quote the decrypted text.
    let stage = 'does not decrypt with this encryption key';
    try {
      const plaintext = openEntry(this.options.encryptionKey, additionalData(tenant, id), sealed).toString('utf8');
      stage = 'is not a stored response';
      const entry = storedResponseSchema.parse(JSON.parse(plaintext));
      if (entry.id === id) return entry;
    } catch {
      // reported below
    }
    this.options.logger.warn({ reason: stage }, 'response store: a stored entry could not be decrypted or read; treated as absent');
    return undefined;
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    const client = await this.ready();
    return (await command(() => client.del(redisKey(tenant, id)))) > 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.isReady) await this.client.close().catch(() => this.client.destroy());
    else if (this.client.isOpen) this.client.destroy();
  }

  /** The connected client; opens the connection on first use and waits for it at most the connect timeout. */
  private async ready(): Promise<RedisClientType> {
    if (this.closed) throw new StoreError(STORE_UNAVAILABLE, 'The response store is closed (the sidecar is shutting down).');
    if (this.client.isReady) return this.client;
    if (this.outage) throw unavailable(`Redis cannot be reached (${describe(this.outage)})`, this.outage);
    this.connecting ??= this.client.connect().then(
      () => undefined,
      () => undefined, // only close() ends the connection loop; close() reports itself
    );
    try {
      await this.connection();
    } catch (error) {
      if (this.client.isReady) return this.client;
      const timedOut = (error as Error).name === 'AbortError';
      throw unavailable(timedOut ? `Redis did not accept a connection within ${this.connectTimeoutMs} ms` : `Redis cannot be reached (${describe(error)})`, error);
    }
    return this.client;
  }

  /**
   * The next 'ready', or the next connection error, or the connect timeout, whichever comes first; one wait shared by
   * every request arriving meanwhile (a burst at start-up adds one listener, not one per request).
   */
  private connection(): Promise<void> {
    this.waiting ??= once(this.client, 'ready', { signal: AbortSignal.timeout(this.connectTimeoutMs) }).then(
      () => void (this.waiting = undefined),
      (error: unknown) => {
        this.waiting = undefined;
        throw error;
      },
    );
    return this.waiting;
  }

  /** The first failure of an outage is logged at warn, the retries at debug. */
  private onConnectionError(error: Error): void {
    if (this.closed) return;
    const logger = this.options.logger;
    if (this.outage) logger.debug({ redis: this.target, reason: describe(error) }, 'response store: Redis still unreachable; retrying');
    else logger.warn({ redis: this.target, reason: describe(error) }, 'response store: Redis unreachable; requests needing the store fail until it is back, retrying with backoff');
    if (!this.client.isReady) this.outage = error;
  }
}

/** The Redis key of an entry: neither the tenant nor the id is readable in it. */
function redisKey(tenant: string, id: string): string {
  return KEY_PREFIX + createHash('sha256').update(tenant).update('\0').update(id).digest('hex');
}

/** What GCM authenticates with every value: a value moved to another tenant's or id's key does not decrypt. */
function additionalData(tenant: string, id: string): string {
  return `${KEY_PREFIX}v1\0${tenant}\0${id}`;
}

/** Runs one command; any failure of Redis or the connection becomes a StoreError. */
async function command<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TimeoutError) throw unavailable('Redis did not answer in time', error);
    if (error instanceof ErrorReply) throw unavailable(`Redis refused the command (${describe(error)})`, error);
    throw unavailable(`Redis cannot be reached (${describe(error)})`, error);
  }
}

function unavailable(reason: string, cause: unknown): StoreError {
  return new StoreError(STORE_UNAVAILABLE, `The response store is unavailable: ${reason}.`, cause);
}

/** Redis's error word (WRONGPASS, NOAUTH, OOM…), else the error's class and code: never a message quoting addresses. */
function describe(error: unknown): string {
  if (error instanceof ErrorReply) return error.message.split(' ')[0] ?? 'ErrorReply';
  const code = (error as { code?: unknown } | undefined)?.code;
  return [error instanceof Error ? error.constructor.name : 'unknown error', typeof code === 'string' ? code : undefined].filter(Boolean).join(' ');
}

/** host:port of a Redis URL for logs, without credentials. */
function redisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparsable URL)';
  }
}
