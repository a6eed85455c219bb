import { createHash, randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createClient, RESP_TYPES, type RedisClientType } from '@redis/client';
import { createLogger } from '@sidecar/observability/logger';
import { RedisResponseStore, type RedisResponseStoreOptions } from '@sidecar/store/redis-response-store';
import { tenantOf, type StoredResponse } from '@sidecar/store/response-store';
import { STORE_ENTRY_TOO_LARGE, STORE_UNAVAILABLE, StoreError } from '@sidecar/store/store-error';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server';
import { freePort } from '../../helpers/sidecar-process';

// A real redis-server (Debian's package; npm test provisions it), no mocks: what is checked is what Redis holds.

const ALICE = tenantOf('sk-alice-client-key-0001');
const BOB = tenantOf('sk-bob-client-key-000002');
const SECRET_TEXT = 'the launch code is 0000';

function entry(id: string, text = SECRET_TEXT): StoredResponse {
  return {
    id,
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `remember: ${text}` }] }],
    response: {
      id,
      object: 'response',
      status: 'completed',
      output: [{ type: 'message', id: `msg_${id}`, role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
    },
  };
}

let server: RedisServer;
let raw: RedisClientType;
const logs: string[] = [];
const logger = createLogger('debug', new Writable({ write: (chunk: Buffer, _encoding, done) => void (logs.push(chunk.toString('utf8')), done()) }));
const stores: RedisResponseStore[] = [];
const encryptionKey = randomBytes(32);

/** A store on `server` (closed after each test). */
function store(overrides: Partial<RedisResponseStoreOptions> = {}): RedisResponseStore {
  const created = new RedisResponseStore({ url: server.url, encryptionKey, ttlSeconds: 3600, maxEntryBytes: 65_536, logger, ...overrides });
  stores.push(created);
  return created;
}

/** The StoreError a promise rejects with (failing the test when it resolves or rejects with something else). */
async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(() => undefined, (rejected: unknown) => rejected);
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

/** The documented key layout: `ogs:resp:<sha256(tenant \0 id)>`, so neither appears in Redis. */
function keyOf(tenant: string, id: string): string {
  return `ogs:resp:${createHash('sha256').update(`${tenant}\0${id}`).digest('hex')}`;
}

async function rawKeys(): Promise<string[]> {
  return raw.keys('*');
}

beforeAll(async () => {
  server = await startRedisServer();
  raw = createClient({ url: server.url });
  await raw.connect();
}, 20_000);

afterEach(async () => {
  await Promise.all(stores.splice(0).map((created) => created.close()));
  await raw.flushAll();
  logs.length = 0;
});

afterAll(async () => {
  await raw?.close();
  await server?.stop();
});

describe('RedisResponseStore', () => {
  it('returns what was put, deletes it once, and then misses', async () => {
    const responses = store();
    await responses.put(ALICE, entry('resp_round_trip'));
    expect(await responses.get(ALICE, 'resp_round_trip')).toEqual(entry('resp_round_trip'));
    expect(await responses.delete(ALICE, 'resp_round_trip')).toBe(true);
    expect(await responses.get(ALICE, 'resp_round_trip')).toBeUndefined();
    expect(await responses.delete(ALICE, 'resp_round_trip')).toBe(false);
    expect(await responses.get(ALICE, 'resp_never_stored')).toBeUndefined();
  });

  it('keeps fields a later version adds to an entry', async () => {
    const responses = store();
    const withExtra = { ...entry('resp_extra'), instructions: 'be brief' };
    await responses.put(ALICE, withExtra);
    expect(await responses.get(ALICE, 'resp_extra')).toEqual(withExtra);
  });

  it('sets the TTL on the key (SET … PX) and the entry is gone once it expires', async () => {
    await store({ ttlSeconds: 2_592_000 }).put(ALICE, entry('resp_month'));
    const [key] = await rawKeys();
    const ttlMs = await raw.pTTL(key!);
    expect(ttlMs).toBeGreaterThan(2_592_000_000 - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(2_592_000_000);

    const shortLived = store({ ttlSeconds: 1 });
    await shortLived.put(ALICE, entry('resp_short'));
    expect(await shortLived.get(ALICE, 'resp_short')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await shortLived.get(ALICE, 'resp_short')).toBeUndefined();
  });

  it('never lets a second tenant read or delete an entry, even with its id', async () => {
    const responses = store();
    await responses.put(ALICE, entry('resp_alices'));
    expect(await responses.get(BOB, 'resp_alices')).toBeUndefined();
    expect(await responses.delete(BOB, 'resp_alices')).toBe(false);
    expect(await responses.get(ALICE, 'resp_alices')).toEqual(entry('resp_alices'));
  });

  it('keeps the same id apart per tenant', async () => {
    const responses = store();
    await responses.put(ALICE, entry('resp_same', 'alice text'));
    await responses.put(BOB, entry('resp_same', 'bob text'));
    expect(await rawKeys()).toHaveLength(2);
    expect((await responses.get(ALICE, 'resp_same'))?.response).toEqual(entry('resp_same', 'alice text').response);
    expect((await responses.get(BOB, 'resp_same'))?.response).toEqual(entry('resp_same', 'bob text').response);
  });

  it('stores only ciphertext under a key that names neither the tenant nor the id', async () => {
    await store().put(ALICE, entry('resp_secret'));
    const keys = await rawKeys();
    expect(keys).toEqual([keyOf(ALICE, 'resp_secret')]);
    const value = (await raw.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(keys[0]!)) as Buffer;
    expect(value.length).toBeGreaterThan(JSON.stringify(entry('resp_secret')).length);
    for (const plaintext of ['resp_secret', SECRET_TEXT, 'output_text', ALICE, '"id"']) expect(value.includes(plaintext)).toBe(false);
  });

  it('treats a value sealed with another encryption key as absent, and says so at warn', async () => {
    await store({ encryptionKey: randomBytes(32) }).put(ALICE, entry('resp_other_key'));
    expect(await store().get(ALICE, 'resp_other_key')).toBeUndefined();
    expect(logs.some((line) => /"level":40/.test(line) && line.includes('could not be decrypted'))).toBe(true);
    expect(logs.join('')).not.toContain(SECRET_TEXT);
  });

  it('treats a value copied under another tenant\'s or id\'s key as absent (both are authenticated)', async () => {
    const responses = store();
    await responses.put(ALICE, entry('resp_copied'));
    await responses.put(BOB, entry('resp_copied', 'bob text'));
    const alices = (await raw.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(keyOf(ALICE, 'resp_copied'))) as Buffer;
    await raw.set(keyOf(BOB, 'resp_copied'), alices);
    await raw.set(keyOf(ALICE, 'resp_other_id'), alices);
    expect(await responses.get(BOB, 'resp_copied')).toBeUndefined();
    expect(await responses.get(ALICE, 'resp_other_id')).toBeUndefined();
    expect(await responses.get(ALICE, 'resp_copied')).toEqual(entry('resp_copied'));
  });

  it('refuses an entry above maxEntryBytes with a StoreError naming the setting, writing nothing', async () => {
    const responses = store({ maxEntryBytes: 1024 });
    const error = await storeError(responses.put(ALICE, entry('resp_big', 'x'.repeat(2048))));
    expect(error.code).toBe(STORE_ENTRY_TOO_LARGE);
    expect(error.status).toBe(400);
    expect(error.param).toBe('store');
    expect(error.message).toContain('store.maxEntryBytes');
    expect(await rawKeys()).toEqual([]);
    await responses.put(ALICE, entry('resp_small', 'x'.repeat(100)));
    expect(await rawKeys()).toHaveLength(1);
  });

  it('sees, as a second replica, what the first stored and deleted', async () => {
    const [replicaA, replicaB] = [store(), store()];
    await replicaA.put(ALICE, entry('resp_shared'));
    expect(await replicaB.get(ALICE, 'resp_shared')).toEqual(entry('resp_shared'));
    expect(await replicaB.delete(ALICE, 'resp_shared')).toBe(true);
    expect(await replicaA.get(ALICE, 'resp_shared')).toBeUndefined();
  });

  it('serves a burst of first requests over one connection wait (no listener per request)', async () => {
    const ids = Array.from({ length: 40 }, (_, index) => `resp_burst_${index}`);
    for (const url of [server.url, `redis://127.0.0.1:${await freePort()}`]) {
      const responses = store({ url });
      const pending = ids.map((id) => responses.get(ALICE, id).then(() => 'served', (error: StoreError) => error.code));
      // White-box: node's EventEmitter warns (MaxListenersExceededWarning) past 10 listeners, which jest does not surface.
      const client = (responses as unknown as { client: EventEmitter }).client;
      expect(client.listenerCount('ready')).toBeLessThanOrEqual(2);
      expect(new Set(await Promise.all(pending))).toEqual(new Set([url === server.url ? 'served' : STORE_UNAVAILABLE]));
    }
  });

  it('fails with StoreError after close()', async () => {
    const responses = store();
    await responses.put(ALICE, entry('resp_before_close'));
    await responses.close();
    await responses.close();
    expect((await storeError(responses.get(ALICE, 'resp_before_close'))).code).toBe(STORE_UNAVAILABLE);
  });
});

describe('RedisResponseStore when Redis is not there', () => {
  it('fails fast with StoreError on a port nobody listens on, and logs the outage once at warn', async () => {
    const responses = store({ url: `redis://127.0.0.1:${await freePort()}` });
    for (const attempt of [() => responses.put(ALICE, entry('resp_nowhere')), () => responses.get(ALICE, 'resp_nowhere'), () => responses.delete(ALICE, 'resp_nowhere')]) {
      const started = performance.now();
      const error = await storeError(attempt());
      expect(performance.now() - started).toBeLessThan(500);
      expect(error.code).toBe(STORE_UNAVAILABLE);
      expect(error.status).toBe(503);
      expect(error.message).toContain('ECONNREFUSED');
    }
    expect(logs.filter((line) => /"level":40/.test(line) && line.includes('Redis unreachable'))).toHaveLength(1);
  });

  it('gives up within the connect timeout on a server that accepts connections and never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const responses = store({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300, commandTimeoutMs: 300 });
      const started = performance.now();
      const error = await storeError(responses.get(ALICE, 'resp_silent'));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error.code).toBe(STORE_UNAVAILABLE);
      await responses.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails fast while Redis is down and serves again once it is back', async () => {
    const restarting = await startRedisServer();
    try {
      const responses = store({ url: restarting.url, maxReconnectDelayMs: 200 });
      await responses.put(ALICE, entry('resp_before_restart'));
      await restarting.stop();
      const started = performance.now();
      expect((await storeError(responses.get(ALICE, 'resp_before_restart'))).code).toBe(STORE_UNAVAILABLE);
      expect((await storeError(responses.get(ALICE, 'resp_before_restart'))).code).toBe(STORE_UNAVAILABLE);
      expect(performance.now() - started).toBeLessThan(2_500);
      await restarting.start();
      const deadline = Date.now() + 5_000;
      let stored = false;
      while (!stored && Date.now() < deadline) {
        stored = await responses.put(ALICE, entry('resp_after_restart')).then(() => true, () => false);
        if (!stored) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(stored).toBe(true);
      expect(await responses.get(ALICE, 'resp_after_restart')).toEqual(entry('resp_after_restart'));
      expect(logs.some((line) => line.includes('Redis reachable again'))).toBe(true);
    } finally {
      await restarting.stop();
    }
  }, 20_000);
});

describe('RedisResponseStore with a Redis password', () => {
  const PASSWORD = 'redis-pass-not-in-logs-0001';
  let guarded: RedisServer;

  beforeAll(async () => {
    guarded = await startRedisServer({ password: PASSWORD });
  }, 20_000);

  afterAll(async () => {
    await guarded?.stop();
  });

  it('authenticates with the password', async () => {
    const responses = store({ url: guarded.url, password: PASSWORD });
    await responses.put(ALICE, entry('resp_authenticated'));
    expect(await responses.get(ALICE, 'resp_authenticated')).toEqual(entry('resp_authenticated'));
  });

  it('also takes the password from the URL', async () => {
    const responses = store({ url: `redis://:${PASSWORD}@127.0.0.1:${guarded.port}` });
    await responses.put(ALICE, entry('resp_url_password'));
    expect(await responses.get(ALICE, 'resp_url_password')).toEqual(entry('resp_url_password'));
    expect(logs.join('')).not.toContain(PASSWORD);
  });

  it.each([
    ['a wrong password', 'wrong-password-0002', 'WRONGPASS'],
    ['no password', undefined, 'NOAUTH'],
  ])('fails with StoreError, naming Redis\'s refusal and never a password, with %s', async (_name, password, word) => {
    const responses = store({ url: guarded.url, ...(password ? { password } : {}) });
    const error = await storeError(responses.get(ALICE, 'resp_refused'));
    expect(error.code).toBe(STORE_UNAVAILABLE);
    expect(error.message).toContain(word);
    const said = [error.message, ...logs].join('\n');
    expect(said).not.toContain(PASSWORD);
    if (password) expect(said).not.toContain(password);
  });
});
