import { randomBytes } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';

// Batch metadata has no place in Gemini: with the response store configured it is kept there (sealed, per caller),
// so every replica answers it; two sidecar processes on one Redis show that.

describe('batch metadata in the shared store (built processes, real Redis)', () => {
  let emulator: GeminiEmulator;
  let redis: RedisServer;
  let first: SidecarProcess;
  let second: SidecarProcess;

  beforeAll(async () => {
    [emulator, redis] = await Promise.all([GeminiEmulator.start(), startRedisServer()]);
    const env = { REDIS_URL: redis.url, STORE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GEMINI_API_KEY: '', SIDECAR_TRUST_INGRESS: 'false' };
    [first, second] = await Promise.all([startSidecarProcess(emulator.url, env), startSidecarProcess(emulator.url, env)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await Promise.all([emulator?.close(), redis?.stop()]);
  });

  it('keeps metadata for the caller who set it, readable through any replica; another caller sees none', async () => {
    const client = (sidecar: SidecarProcess, key: string) => new OpenAI({ apiKey: key, baseURL: `${sidecar.url}/v1`, maxRetries: 0 });
    const line = { custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] } };
    const owner = client(first, 'owner-key');
    const file = await owner.files.create({ file: await toFile(Buffer.from(JSON.stringify(line)), 'm.jsonl'), purpose: 'batch' });
    const batch = await owner.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { team: 'search', run: '7' } });
    expect(batch.metadata).toEqual({ team: 'search', run: '7' });
    expect((await client(second, 'owner-key').batches.retrieve(batch.id)).metadata).toEqual({ team: 'search', run: '7' });
    expect((await client(second, 'other-key').batches.retrieve(batch.id)).metadata).toBeNull();
    expect((await client(first, 'owner-key').batches.list()).data.find((entry) => entry.id === batch.id)?.metadata).toEqual({ team: 'search', run: '7' });
  });

  it('keeps a copy of a small input for files.content, for its owner on any replica, and drops it with the file', async () => {
    const input = `${JSON.stringify({ custom_id: 'é', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'ünïcode' }] } })}\n`;
    const owner = new OpenAI({ apiKey: 'owner-key', baseURL: `${first.url}/v1`, maxRetries: 0 });
    const file = await owner.files.create({ file: await toFile(Buffer.from(input), 'copy.jsonl'), purpose: 'batch' });
    const replica = new OpenAI({ apiKey: 'owner-key', baseURL: `${second.url}/v1`, maxRetries: 0 });
    expect(await (await replica.files.content(file.id)).text()).toBe(input);
    const stranger = new OpenAI({ apiKey: 'other-key', baseURL: `${second.url}/v1`, maxRetries: 0 });
    await expect(stranger.files.content(file.id)).rejects.toMatchObject({ status: 400, code: 'file_content_unavailable' });
    await owner.files.delete(file.id);
    await expect(replica.files.content(file.id)).rejects.toMatchObject({ status: 404 });
  });

  it('still answers a created batch when Redis fails after Gemini created it (a retry would run it twice)', async () => {
    const owner = new OpenAI({ apiKey: 'owner-key', baseURL: `${first.url}/v1`, maxRetries: 0 });
    const line = { custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] } };
    const file = await owner.files.create({ file: await toFile(Buffer.from(JSON.stringify(line)), 'm.jsonl'), purpose: 'batch' });
    await redis.stop();
    try {
      const created = await owner.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { team: 'x' } }).withResponse();
      expect(created.data).toMatchObject({ object: 'batch', metadata: null });
      expect(created.response.headers.get('x-sidecar-batch-metadata')).toBe('not-stored');
    } finally {
      await redis.start();
    }
  });
});
