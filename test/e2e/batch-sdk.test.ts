import { readFileSync } from 'node:fs';
import OpenAI, { toFile } from 'openai';
import { emulatedEmbedding } from '../emulator/default-embeddings';
import { useSdkHarness } from '../helpers/sdk-harness';
import type { SidecarHarness } from '../helpers/sidecar-harness';

interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: unknown;
}

function jsonl(lines: unknown[]): string {
  return lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
}

function parseLines(text: string): OutputLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutputLine);
}

async function settle(client: OpenAI, id: string): Promise<OpenAI.Batch> {
  for (let polls = 0; polls < 10; polls++) {
    const batch = await client.batches.retrieve(id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(batch.status)) return batch;
  }
  throw new Error(`batch ${id} did not finish`);
}

describe('the Batch and Files APIs through the official openai SDK (Node)', () => {
  let harness: SidecarHarness;
  let client: OpenAI;

  useSdkHarness('/v1', 'k', {}, (sdk) => ({ harness, client } = sdk));

  it('runs a chat batch: files.create → batches.create → poll → files.content, with an untranslatable line in the error file', async () => {
    const input = jsonl([
      { custom_id: 'r1', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello' }], temperature: 0.2 } },
      { custom_id: 'r2', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi again' }], max_tokens: 50 } },
      { custom_id: 'bad', method: 'POST', url: '/v1/chat/completions', body: { model: 'gemini-2.5-flash', messages: [{ role: 'wizard', content: 'x' }] } },
    ]);
    const file = await client.files.create({ file: await toFile(Buffer.from(input), 'requests.jsonl'), purpose: 'batch' });
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'requests.jsonl', bytes: Buffer.byteLength(input), status: 'processed' });
    expect(file.id).toMatch(/^file-/);

    const upload = harness.emulator.requests.filter((request) => request.path.startsWith('/upload/'));
    expect(upload[0]!.headers['x-goog-upload-protocol']).toBe('resumable');
    expect(upload[0]!.headers['x-goog-upload-command']).toBe('start');
    expect(upload[0]!.headers['x-goog-api-key']).toBe('k');
    expect(upload.at(-1)!.headers['x-goog-upload-command']).toBe('upload, finalize');
    const stored = [...harness.emulator.batchStore.files.values()][0]!;
    const geminiLines = readFileSync(stored.path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; request: Record<string, unknown> });
    expect(geminiLines[0]!.request).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }], generationConfig: { temperature: 0.2 } });
    expect(JSON.parse(geminiLines[0]!.key)).toEqual({ id: 'r1' });
    expect(geminiLines[1]!.request).toMatchObject({ generationConfig: { maxOutputTokens: 50 } });

    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created).toMatchObject({ object: 'batch', status: 'in_progress', endpoint: '/v1/chat/completions', input_file_id: file.id, completion_window: '24h' });
    expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/gemini-2.5-flash:batchGenerateContent');
    expect(harness.emulator.lastRequest()!.body).toMatchObject({ batch: { inputConfig: { fileName: stored.name } } });

    const done = await settle(client, created.id);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    const output = parseLines(await (await client.files.content(done.output_file_id!)).text());
    expect(output.map((line) => line.custom_id).sort()).toEqual(['r1', 'r2']);
    for (const line of output) {
      expect(line.error).toBeNull();
      expect(line.id).toMatch(/^batch_req_/);
      expect(line.response!.status_code).toBe(200);
      expect(line.response!.body).toMatchObject({ object: 'chat.completion', model: 'gemini-2.5-flash', choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }] });
    }
    const errors = parseLines(await (await client.files.content(done.error_file_id!)).text());
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ custom_id: 'bad', error: null, response: { status_code: 400, body: { error: { type: 'invalid_request_error', param: 'messages[0].role' } } } });
  });

  it('runs an embeddings batch whose lines hold several inputs, answered in the SDK-default base64 and in floats', async () => {
    const input = jsonl([
      { custom_id: 'e1', method: 'POST', url: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: ['alpha', 'beta'], dimensions: 4, encoding_format: 'float' } },
      { custom_id: 'e2', method: 'POST', url: '/v1/embeddings', body: { model: 'gemini-embedding-001', input: 'gamma', dimensions: 4, encoding_format: 'base64' } },
    ]);
    const file = await client.files.create({ file: await toFile(Buffer.from(input), 'embed.jsonl'), purpose: 'batch' });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
    expect(harness.emulator.lastRequest()!.path).toBe('/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent');
    const done = await settle(client, created.id);
    expect(done.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    expect(done.error_file_id).toBeNull();
    const output = parseLines(await (await client.files.content(done.output_file_id!)).text());
    const byId = new Map(output.map((line) => [line.custom_id, line.response!.body as { data: Array<{ index: number; embedding: number[] | string }>; model: string }]));
    expect(byId.get('e1')!.data.map((item) => item.index)).toEqual([0, 1]);
    expect(byId.get('e1')!.data[1]!.embedding).toEqual(emulatedEmbedding('beta', 4));
    expect(byId.get('e1')!.model).toBe('gemini-embedding-001');
    const base64 = byId.get('e2')!.data[0]!.embedding as string;
    const bytes = Buffer.from(base64, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(emulatedEmbedding('gamma', 4));
  });
});
