import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import OpenAI, { toFile } from 'openai';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import type { SidecarHarness } from '../helpers/sidecar-harness';

function jsonl(lines: unknown[]): Buffer {
  return Buffer.from(lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
}

function chatLine(id: string, content = 'Hello', model = 'gemini-2.5-flash', url = '/v1/chat/completions') {
  return { custom_id: id, method: 'POST', url, body: { model, messages: [{ role: 'user', content }] } };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; error: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { status: error.status ?? 0, error: error.error as Record<string, unknown> };
    throw error;
  }
  throw new Error('expected an error');
}

describe('batch lifecycle and refusals through the official openai SDK (Node)', () => {
  let sdk: SdkHarness;
  let harness: SidecarHarness;
  let client: OpenAI;
  const spoolDir = mkdtempSync(join(tmpdir(), 'batch-spool-test-'));

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1', 'k', { server: { bodyLimitBytes: 4096 }, batch: { maxFileBytes: 16_384, spoolDir } });
    ({ harness, client } = sdk);
  });
  afterAll(async () => {
    await sdk.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });
  beforeEach(() => harness.emulator.reset());

  async function upload(lines: unknown[], name = 'in.jsonl'): Promise<OpenAI.FileObject> {
    return client.files.create({ file: await toFile(jsonl(lines), name), purpose: 'batch' });
  }

  it('cancels: cancelling while Gemini still runs it, cancelled once Gemini says so, without result files', async () => {
    const file = await upload([chatLine('a'), chatLine('b')]);
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    harness.emulator.batchStore.hold = true;
    const cancelling = await client.batches.cancel(batch.id);
    expect(cancelling.status).toBe('cancelling');
    const cancelCall = harness.emulator.requests.find((request) => request.path.endsWith(':cancel'));
    expect(cancelCall?.method).toBe('POST');
    harness.emulator.batchStore.hold = false;
    const cancelled = await client.batches.retrieve(batch.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', output_file_id: null, error_file_id: null });
    expect(cancelled.cancelled_at).toEqual(expect.any(Number));
  });

  it.each([
    ['FAILED', 'failed', 'failed_at'],
    ['EXPIRED', 'expired', 'expired_at'],
  ] as const)('reports a Gemini %s batch as %s, with %s and no result files', async (state, status, stamp) => {
    const file = await upload([chatLine('a')]);
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const [name] = [...harness.emulator.batchStore.batches.keys()];
    await harness.emulator.batchStore.settle(name!, state);
    const ended = await client.batches.retrieve(batch.id);
    expect(ended).toMatchObject({ status, output_file_id: null, error_file_id: null, request_counts: { total: 1, completed: 0 } });
    expect(ended[stamp]).toEqual(expect.any(Number));
    if (status === 'failed') expect(ended.errors?.data?.[0]).toMatchObject({ code: 'batch_failed' });
  });

  it('lists batches newest first with OpenAI pagination (limit, after, has_more)', async () => {
    const file = await upload([chatLine('a')]);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    const first = await client.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const second = await client.batches.list({ limit: 2, after: ids[1] });
    expect(second.data.map((batch) => batch.id)).toEqual([ids[0]]);
    expect(second.has_more).toBe(false);
    const all: string[] = [];
    for await (const batch of client.batches.list({ limit: 1 })) all.push(batch.id);
    expect(all).toEqual([...ids].reverse());
  });

  it('lists, retrieves and deletes files; refuses the content of an input file (Gemini does not serve uploads back)', async () => {
    const file = await upload([chatLine('a')], 'mine.jsonl');
    const listed = await client.files.list();
    expect(listed.data.map((entry) => entry.id)).toContain(file.id);
    expect(await client.files.retrieve(file.id)).toMatchObject({ id: file.id, filename: 'mine.jsonl', purpose: 'batch' });
    const content = await refusal(client.files.content(file.id));
    expect(content).toMatchObject({ status: 400, error: { code: 'file_content_unavailable', param: 'file_id' } });
    expect(await client.files.delete(file.id)).toEqual({ id: file.id, object: 'file', deleted: true });
    expect(harness.emulator.lastRequest()).toMatchObject({ method: 'DELETE' });
    expect((await refusal(client.files.retrieve(file.id))).status).toBe(404);
  });

  it.each([
    { name: 'a line that is not JSON', lines: ['{"custom_id": "a",'], code: 'invalid_jsonl', message: /Line 1/ },
    { name: 'a line that is not a batch request', lines: [{ custom_id: 'a', body: {} }], code: 'invalid_batch_line', message: /Line 1/ },
    { name: 'an endpoint the sidecar does not batch', lines: [chatLine('a', 'x', 'gemini-2.5-flash', '/v1/completions')], code: 'unsupported_endpoint', message: /completions/ },
    { name: 'two endpoints', lines: [chatLine('a'), { custom_id: 'b', method: 'POST', url: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: 'x' } }], code: 'mixed_endpoints', message: /Line 2/ },
    { name: 'two models', lines: [chatLine('a'), chatLine('b', 'x', 'gemini-2.5-pro')], code: 'mixed_models', message: /Line 2.*gemini-2.5-pro/ },
    { name: 'a repeated custom_id', lines: [chatLine('a'), chatLine('a')], code: 'duplicate_custom_id', message: /Line 2/ },
    { name: 'a line over the request size limit', lines: [chatLine('a'), chatLine('b', 'x'.repeat(5000))], code: 'line_too_large', message: /Line 2/ },
  ])('refuses an input file with $name (400, nothing uploaded)', async ({ lines, code, message }) => {
    const answer = await refusal(upload(lines));
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({ type: 'invalid_request_error', param: 'file', code });
    expect(String(answer.error.message)).toMatch(message);
    expect(harness.emulator.requests.filter((request) => request.path.startsWith('/upload/'))).toHaveLength(0);
  });

  it('refuses a file over batch.maxFileBytes with 413 once the upload is read, and uploads nothing', async () => {
    const lines = Array.from({ length: 20 }, (_, index) => chatLine(`l${index}`, 'x'.repeat(1000)));
    expect(await refusal(upload(lines))).toMatchObject({ status: 413, error: { code: 'request_too_large' } });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('removes the spool when the client goes away mid-upload, and after every finished upload', async () => {
    await upload([chatLine('done')]);
    expect(readdirSync(spoolDir)).toEqual([]);
    const url = new URL(`${client.baseURL}/files`);
    const boundary = 'cut-boundary';
    const partial = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: 'Bearer k', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '100000' } });
    partial.on('error', () => undefined);
    partial.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.jsonl"\r\n\r\n${JSON.stringify(chatLine('a'))}\n`);
    for (let wait = 0; wait < 50 && readdirSync(spoolDir).length === 0; wait++) await delay(20);
    expect(readdirSync(spoolDir)).toHaveLength(1);
    partial.destroy();
    for (let wait = 0; wait < 100 && readdirSync(spoolDir).length > 0; wait++) await delay(20);
    expect(readdirSync(spoolDir)).toEqual([]);
    // The finished upload's start and one finalizing chunk; the cut one never reached Gemini.
    expect(harness.emulator.requests.filter((recorded) => recorded.path.startsWith('/upload/')).length).toBe(2);
  });

  it('reports what it accepted but does not send on, as chat does (x-sidecar-ignored-params)', async () => {
    const lines = [{ ...chatLine('a'), note: 'mine' }, { custom_id: 'b', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], user: 'u-1' } }];
    const uploaded = await client.files.create({ file: await toFile(jsonl(lines), 'in.jsonl'), purpose: 'batch' }).withResponse();
    expect(uploaded.response.headers.get('x-sidecar-ignored-params')?.split(', ').sort()).toEqual(['line.note', 'user']);
    const created = await client.batches
      .create({ input_file_id: uploaded.data.id, endpoint: '/v1/chat/completions', completion_window: '24h', output_expires_after: { anchor: 'created_at', seconds: 7200 } })
      .withResponse();
    expect(created.response.headers.get('x-sidecar-ignored-params')).toBe('output_expires_after');
  });

  it('relays Gemini\'s refusal of the key as OpenAI\'s authentication error, key never echoed', async () => {
    const bad = new OpenAI({ apiKey: 'invalid-key', baseURL: client.baseURL, maxRetries: 0 });
    const answer = await refusal(bad.files.create({ file: await toFile(jsonl([chatLine('a')]), 'x.jsonl'), purpose: 'batch' }));
    expect(answer).toMatchObject({ status: 401, error: { type: 'authentication_error', code: 'invalid_api_key' } });
    expect(JSON.stringify(answer.error)).not.toContain('invalid-key');
    expect((await refusal(bad.batches.list())).status).toBe(401);
  });

  it('refuses other purposes, metadata without a store, a mismatched endpoint and ids it did not issue', async () => {
    const purpose = await refusal(client.files.create({ file: await toFile(jsonl([chatLine('a')]), 'x.jsonl'), purpose: 'assistants' }));
    expect(purpose).toMatchObject({ status: 400, error: { param: 'purpose', code: 'unsupported_purpose' } });
    const file = await upload([chatLine('a')]);
    const metadata = await refusal(client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { team: 'x' } }));
    expect(metadata).toMatchObject({ status: 400, error: { param: 'metadata', code: 'store_not_configured' } });
    const endpoint = await refusal(client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' }));
    expect(endpoint).toMatchObject({ status: 400, error: { param: 'endpoint', code: 'mismatched_endpoint' } });
    harness.emulator.reset();
    const forged = `batch_${Buffer.from('files/../../models').toString('base64url')}`;
    expect(await refusal(client.batches.retrieve(forged))).toMatchObject({ status: 404, error: { code: 'batch_not_found' } });
    expect(await refusal(client.files.retrieve('file-abc'))).toMatchObject({ status: 404 });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('batches /v1/responses lines with the Responses translator and echoes each line\'s settings', async () => {
    const file = await upload([{ custom_id: 'r', method: 'POST', url: '/v1/responses', body: { model: 'gemini-2.5-flash', input: 'Hi', instructions: 'Be brief', temperature: 0.3 } }]);
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' });
    let done = batch;
    while (done.status !== 'completed') done = await client.batches.retrieve(batch.id);
    const [line] = (await (await client.files.content(done.output_file_id!)).text()).trim().split('\n').map((text) => JSON.parse(text) as { response: { body: Record<string, unknown> } });
    expect(line!.response.body).toMatchObject({ object: 'response', status: 'completed', model: 'gemini-2.5-flash', instructions: 'Be brief', temperature: 0.3, store: false });
    expect((line!.response.body.output as Array<{ type: string }>).some((item) => item.type === 'message')).toBe(true);
  });
});

describe('the batch API under /v1beta/openai', () => {
  let sdk: SdkHarness;

  beforeAll(async () => {
    sdk = await startSdkHarness('/v1beta/openai', 'k');
  });
  afterAll(() => sdk.close());

  it('serves files and batches with the same ids', async () => {
    const file = await sdk.client.files.create({ file: await toFile(jsonl([chatLine('a')]), 'x.jsonl'), purpose: 'batch' });
    const batch = await sdk.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await sdk.client.batches.retrieve(batch.id)).id).toBe(batch.id);
  });
});
