import { GeminiEmulator } from '../../emulator/gemini-emulator';

// The emulator's Files API (resumable upload) and Batch Mode, as the Gemini API documents them:
// https://ai.google.dev/api/files and https://ai.google.dev/api/batch-mode.

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await GeminiEmulator.start();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

const KEY = { 'x-goog-api-key': 'k' };

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}${path}`, { ...init, headers: { ...KEY, ...(init.headers as Record<string, string>) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function upload(content: string, displayName = 'in'): Promise<Record<string, unknown>> {
  const bytes = Buffer.from(content);
  const start = await call('/upload/v1beta/files', {
    method: 'POST',
    headers: { 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'x-goog-upload-header-content-length': String(bytes.length), 'content-type': 'application/json' },
    body: JSON.stringify({ file: { display_name: displayName } }),
  });
  const url = new URL(start.headers.get('x-goog-upload-url')!);
  const half = Math.floor(bytes.length / 2);
  const first = await call(url.pathname + url.search, { method: 'POST', headers: { 'x-goog-upload-command': 'upload', 'x-goog-upload-offset': '0' }, body: bytes.subarray(0, half) });
  expect(first.headers.get('x-goog-upload-status')).toBe('active');
  const last = await call(url.pathname + url.search, { method: 'POST', headers: { 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': String(half) }, body: bytes.subarray(half) });
  expect(last.headers.get('x-goog-upload-status')).toBe('final');
  return last.json.file as Record<string, unknown>;
}

const LINES = [
  JSON.stringify({ key: 'a', request: { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] } }),
  JSON.stringify({ key: 'b', request: { contents: [] } }),
].join('\n');

describe('Files API', () => {
  it('takes a resumable upload in chunks and answers the File (sizeBytes as a string, 48 h expiry)', async () => {
    const file = await upload(LINES, 'my input');
    expect(file).toMatchObject({ name: expect.stringMatching(/^files\/[a-z0-9]+$/), displayName: 'my input', sizeBytes: String(Buffer.byteLength(LINES)), state: 'ACTIVE', source: 'UPLOADED' });
    expect(Date.parse(file.expirationTime as string) - Date.parse(file.createTime as string)).toBe(48 * 3600 * 1000);
    expect((await call(`/v1beta/${file.name}`)).json).toMatchObject({ name: file.name, displayName: 'my input' });
    expect(((await call('/v1beta/files')).json.files as unknown[]).length).toBe(1);
  });

  it('refuses a chunk at the wrong offset, downloading an uploaded file, and calls without a key', async () => {
    const start = await call('/upload/v1beta/files', { method: 'POST', headers: { 'x-goog-upload-command': 'start', 'x-goog-upload-header-content-length': '4' }, body: '{}' });
    const url = new URL(start.headers.get('x-goog-upload-url')!);
    expect((await call(url.pathname + url.search, { method: 'POST', headers: { 'x-goog-upload-command': 'upload', 'x-goog-upload-offset': '2' }, body: 'ab' })).status).toBe(400);
    const file = await upload(LINES);
    expect((await call(`/download/v1beta/${file.name}:download?alt=media`)).status).toBe(400);
    expect((await fetch(`${emulator.url}/v1beta/batches`)).status).toBe(403);
  });

  it('deletes files', async () => {
    const file = await upload(LINES);
    expect((await call(`/v1beta/${file.name}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/v1beta/${file.name}`)).status).toBe(404);
  });
});

describe('Batch Mode', () => {
  it('runs a batch PENDING → RUNNING → SUCCEEDED, one step per GET, with per-line results and string counts', async () => {
    const file = await upload(LINES);
    const created = await call('/v1beta/models/gemini-2.5-flash:batchGenerateContent', { method: 'POST', body: JSON.stringify({ batch: { display_name: 'job', input_config: { file_name: file.name } } }) });
    expect(created.json).toMatchObject({ name: expect.stringMatching(/^batches\//), metadata: { state: 'BATCH_STATE_PENDING', displayName: 'job', model: 'models/gemini-2.5-flash', batchStats: { requestCount: '2', pendingRequestCount: '2' } } });
    expect(created.json).not.toHaveProperty('done');
    const name = created.json.name as string;
    expect((await call(`/v1beta/${name}`)).json).toMatchObject({ metadata: { state: 'BATCH_STATE_RUNNING' } });
    const done = await call(`/v1beta/${name}`);
    expect(done.json).toMatchObject({ done: true, metadata: { state: 'BATCH_STATE_SUCCEEDED', batchStats: { requestCount: '2', successfulRequestCount: '1', failedRequestCount: '1' } } });
    expect((done.json.metadata as { batchStats: Record<string, string> }).batchStats).not.toHaveProperty('pendingRequestCount');
    const responsesFile = (done.json.response as { responsesFile: string }).responsesFile;
    const results = (await (await fetch(`${emulator.url}/download/v1beta/${responsesFile}:download?alt=media`, { headers: KEY })).text()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results[0]).toMatchObject({ key: 'a', response: { candidates: [{ content: { role: 'model' } }] } });
    expect(results[1]).toMatchObject({ key: 'b', error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('holds batches for a test, cancels on the next step, lists newest first with page tokens', async () => {
    const file = await upload(LINES);
    const names: string[] = [];
    for (let index = 0; index < 3; index++) {
      names.push((await call('/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent', { method: 'POST', body: JSON.stringify({ batch: { displayName: `e${index}`, inputConfig: { fileName: file.name } } }) })).json.name as string);
    }
    emulator.batchStore.hold = true;
    expect((await call(`/v1beta/${names[0]}:cancel`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await call(`/v1beta/${names[0]}`)).json).toMatchObject({ metadata: { state: 'BATCH_STATE_PENDING' } });
    emulator.batchStore.hold = false;
    expect((await call(`/v1beta/${names[0]}`)).json).toMatchObject({ metadata: { state: 'BATCH_STATE_CANCELLED' } });
    const page = await call('/v1beta/batches?pageSize=2');
    expect((page.json.operations as Array<{ name: string }>).map((entry) => entry.name)).toEqual([names[2], names[1]]);
    const rest = await call(`/v1beta/batches?pageSize=2&pageToken=${String(page.json.nextPageToken)}`);
    expect((rest.json.operations as Array<{ name: string }>).map((entry) => entry.name)).toEqual([names[0]]);
    await emulator.batchStore.settle(names[1]!, 'EXPIRED');
    expect((await call(`/v1beta/${names[1]}`)).json).toMatchObject({ done: true, metadata: { state: 'BATCH_STATE_EXPIRED' } });
  });

  it('answers 404 for a model that does not batch and 400 for a missing input file', async () => {
    expect((await call('/v1beta/models/gemini-embedding-001:batchGenerateContent', { method: 'POST', body: JSON.stringify({ batch: { displayName: 'x', inputConfig: { fileName: 'files/x' } } }) })).status).toBe(404);
    expect((await call('/v1beta/models/gemini-2.5-flash:batchGenerateContent', { method: 'POST', body: JSON.stringify({ batch: { displayName: 'x', inputConfig: { fileName: 'files/none' } } }) })).status).toBe(400);
  });
});
