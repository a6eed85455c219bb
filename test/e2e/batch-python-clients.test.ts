import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { emulatedEmbedding } from '../emulator/default-embeddings';
import type { RecordedRequest } from '../emulator/gemini-emulator';
import { startSdkHarness, type SdkHarness } from '../helpers/sdk-harness';
import { pythonClientsPython } from '../helpers/tool-paths';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, 'clients/python_batch.py');

interface OutputLine {
  custom_id: string;
  response: { status_code: number; body: Record<string, unknown> };
  error: unknown;
}

interface PythonLine {
  client: string;
  error?: string;
  [field: string]: unknown;
}

let sdk: SdkHarness;
let lines: PythonLine[];
let requests: RecordedRequest[];

const line = (client: string): PythonLine => {
  const found = lines.find((candidate) => candidate.client === client);
  if (!found) throw new Error(`python_batch.py printed nothing for ${client}`);
  if (found.error) throw new Error(`python_batch.py ${client}: ${found.error}`);
  return found;
};

beforeAll(async () => {
  sdk = await startSdkHarness('/v1', 'py-key');
  const python = pythonClientsPython();
  const output = await run(python, [SCRIPT, sdk.client.baseURL], { timeout: 120_000 }).catch((error: { stdout?: string; stderr?: string; message: string }) => error);
  requests = [...sdk.harness.emulator.requests];
  lines = (output.stdout ?? '').trim().split('\n').filter(Boolean).map((text) => JSON.parse(text) as PythonLine);
  if (lines.length === 0) throw new Error(`${python} ${SCRIPT} printed nothing: ${'message' in output ? output.message : output.stderr}`);
}, 150_000);
afterAll(() => sdk.close());

describe('the Batch and Files APIs through the stock openai Python SDK', () => {
  it('runs a chat batch: upload, create, poll, output and error files', () => {
    const chat = line('chat');
    expect(chat.file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'input.jsonl' });
    expect(chat.created_status).toBe('in_progress');
    expect(chat.batch).toMatchObject({ status: 'completed', endpoint: '/v1/chat/completions', request_counts: { total: 2, completed: 1, failed: 1 } });
    const output = chat.output as OutputLine[];
    expect(output).toHaveLength(1);
    expect(output[0]).toMatchObject({ custom_id: 'p1', error: null, response: { status_code: 200, body: { object: 'chat.completion', model: 'gemini-2.5-flash' } } });
    expect(chat.errors).toEqual([expect.objectContaining({ custom_id: 'p2', response: expect.objectContaining({ status_code: 400 }) })]);
    const upload = requests.filter((request) => request.path.includes('upload_id='));
    expect(upload.length).toBeGreaterThan(0);
    const create = requests.find((request) => request.path === '/v1beta/models/gemini-2.5-flash:batchGenerateContent');
    expect(create?.headers['x-goog-api-key']).toBe('py-key');
  });

  it('runs an embeddings batch: three inputs of one line come back as one OpenAI embeddings body', () => {
    const embeddings = line('embeddings');
    expect(embeddings.batch).toMatchObject({ status: 'completed', request_counts: { total: 1, completed: 1, failed: 0 } });
    const [only] = embeddings.output as OutputLine[];
    const body = only!.response.body as { data: Array<{ index: number; embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(body.data[2]!.embedding).toEqual(emulatedEmbedding('three', 8));
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(requests.some((request) => request.path === '/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent')).toBe(true);
  });

  it('cancels and lists', () => {
    const result = line('cancel_list');
    expect(['cancelling', 'cancelled']).toContain(result.cancel_status);
    expect(result.final_status).toBe('cancelled');
    expect(result.listed).toContain(result.batch_id);
    expect(result.files).toContain(result.file_id);
  });
});
