import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BatchStore, type EmulatedBatch, type EmulatedFile } from './batch-store';
import { EMBEDDING_MODELS } from './emulated-model';
import { googleError, invalidApiKeyError, missingApiKeyError, modelNotFoundError, type GoogleErrorReply } from './google-error';
import { googlePrettyJson } from './google-json';
import { servesMethod } from './model-catalog';
import type { RecordedRequest } from './emulator-types';

// Gemini's Files API (resumable upload, get, list, delete, download of generated files) and Batch Mode
// (batchGenerateContent / asyncBatchEmbedContent from a file, get, list, cancel, delete), shaped like
// https://ai.google.dev/api/files and https://ai.google.dev/api/batch-mode.

const BATCH_PATH = /^\/v1beta\/(files|batches)(?:\/([A-Za-z0-9_-]+))?(:cancel)?$/;
const CREATE_PATH = /^\/v1beta\/models\/([^/:]+):(batchGenerateContent|asyncBatchEmbedContent)$/;
const DOWNLOAD_PATH = /^\/download\/v1beta\/files\/([A-Za-z0-9_-]+):download$/;
/** Bodies above this are recorded by size only. */
const RECORD_LIMIT = 1024 * 1024;

/** Whether a request belongs to the Files / Batch Mode surface. */
export function isBatchModePath(method: string, pathname: string): boolean {
  if (pathname.startsWith('/upload/v1beta/files') || DOWNLOAD_PATH.test(pathname)) return true;
  if (method === 'POST') return CREATE_PATH.test(pathname) || (BATCH_PATH.exec(pathname)?.[3] !== undefined && pathname.startsWith('/v1beta/batches/'));
  const [, , id, cancel] = BATCH_PATH.exec(pathname) ?? [];
  return BATCH_PATH.test(pathname) && !cancel && (method === 'GET' || (method === 'DELETE' && id !== undefined));
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : googlePrettyJson(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

function reply(response: ServerResponse, answer: GoogleErrorReply): void {
  send(response, answer.status, answer.body);
}

function fileJson(file: EmulatedFile): Record<string, unknown> {
  return {
    name: file.name,
    displayName: file.displayName,
    mimeType: file.mimeType,
    sizeBytes: String(file.sizeBytes),
    createTime: file.createTime,
    updateTime: file.createTime,
    expirationTime: file.expirationTime,
    uri: `https://generativelanguage.googleapis.com/v1beta/${file.name}`,
    state: 'ACTIVE',
    source: file.source,
  };
}

/** The Operation Gemini answers for a batch: int64 counts as strings, zero counts left out. */
export function batchOperation(batch: EmulatedBatch): Record<string, unknown> {
  const embed = batch.kind === 'embed';
  const counts = { requestCount: batch.requestCount, successfulRequestCount: batch.succeeded, failedRequestCount: batch.failed };
  const finished = batch.state !== 'PENDING' && batch.state !== 'RUNNING';
  const pending = finished ? 0 : batch.requestCount - batch.succeeded - batch.failed;
  const batchStats = Object.fromEntries(Object.entries({ ...counts, pendingRequestCount: pending }).filter(([, value]) => value > 0).map(([key, value]) => [key, String(value)]));
  const output = batch.responsesFile ? { responsesFile: batch.responsesFile } : undefined;
  return {
    name: batch.name,
    metadata: {
      '@type': `type.googleapis.com/google.ai.generativelanguage.v1main.${embed ? 'EmbedContentBatch' : 'GenerateContentBatch'}`,
      model: `models/${batch.model}`,
      displayName: batch.displayName,
      inputConfig: { fileName: batch.inputFile },
      ...(output ? { output } : {}),
      createTime: batch.createTime,
      ...(batch.endTime ? { endTime: batch.endTime } : {}),
      updateTime: batch.updateTime,
      batchStats,
      state: `BATCH_STATE_${batch.state}`,
      name: batch.name,
    },
    ...(finished ? { done: true } : {}),
    ...(finished && output ? { response: { '@type': `type.googleapis.com/google.ai.generativelanguage.v1main.${embed ? 'AsyncBatchEmbedContentResponse' : 'GenerateContentBatchOutput'}`, ...output } } : {}),
  };
}

function notFound(name: string): GoogleErrorReply {
  return googleError(404, 'NOT_FOUND', `Requested entity was not found. (${name})`);
}

function readJson(request: IncomingMessage): Promise<{ raw: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('error', reject);
    request.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown;
      try {
        body = raw.trim() === '' ? undefined : (JSON.parse(raw) as unknown);
      } catch {
        body = undefined;
      }
      resolve({ raw, body });
    });
  });
}

function pick(value: unknown, ...names: string[]): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  for (const name of names) if (name in value) return (value as Record<string, unknown>)[name];
  return undefined;
}

function page<T>(items: T[], url: URL): { items: T[]; next?: string } {
  const size = Math.min(Number(url.searchParams.get('pageSize') ?? 50) || 50, 100);
  const start = Number(url.searchParams.get('pageToken') ?? 0) || 0;
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: items.slice(start, start + size), ...(next ? { next } : {}) };
}

/** Answers one Files / Batch Mode request; `record` receives it the way the emulator records every request. */
export async function answerBatchMode(request: IncomingMessage, response: ServerResponse, store: BatchStore, record: (recorded: RecordedRequest) => void): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  const method = request.method ?? 'GET';
  const recorded: RecordedRequest = { method, path: request.url ?? '/', headers: { ...request.headers }, body: undefined, rawBody: '' };
  const key = header(request, 'x-goog-api-key');
  const uploadId = url.pathname === '/upload/v1beta/files' ? url.searchParams.get('upload_id') : null;
  if (uploadId) {
    record(recorded);
    if (!key) {
      request.resume();
      return reply(response, missingApiKeyError());
    }
    return answerChunk(request, response, store, uploadId, recorded);
  }
  const { raw, body } = await readJson(request);
  recorded.rawBody = raw.length > RECORD_LIMIT ? `<${raw.length} bytes>` : raw;
  recorded.body = body;
  record(recorded);
  if (!key) return reply(response, missingApiKeyError());
  if (key === 'invalid-key') return reply(response, invalidApiKeyError());
  if (url.pathname === '/upload/v1beta/files') {
    if (header(request, 'x-goog-upload-command') !== 'start') return reply(response, googleError(400, 'INVALID_ARGUMENT', 'Upload command must be start.'));
    const file = pick(body, 'file');
    const displayName = String(pick(file, 'displayName', 'display_name') ?? '');
    const declared = Number(header(request, 'x-goog-upload-header-content-length'));
    const id = store.startUpload(displayName, declared, header(request, 'x-goog-upload-header-content-type') ?? 'application/octet-stream');
    const host = header(request, 'host') ?? '127.0.0.1';
    return send(response, 200, undefined, { 'x-goog-upload-url': `http://${host}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`, 'x-goog-upload-status': 'active' });
  }
  const download = DOWNLOAD_PATH.exec(url.pathname);
  if (download) {
    const file = store.files.get(`files/${download[1]}`);
    if (!file) return reply(response, notFound(`files/${download[1]}`));
    if (file.source !== 'GENERATED') return reply(response, googleError(400, 'INVALID_ARGUMENT', 'Only generated files can be downloaded.'));
    response.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.sizeBytes) });
    return pipeline(createReadStream(file.path), response);
  }
  const create = CREATE_PATH.exec(url.pathname);
  if (create) return answerCreate(response, store, decodeURIComponent(create[1] ?? ''), create[2] === 'asyncBatchEmbedContent' ? 'embed' : 'generate', body);
  const [, collection, id, cancel] = BATCH_PATH.exec(url.pathname) ?? [];
  const name = `${collection}/${id}`;
  if (collection === 'files') {
    if (!id && method === 'GET') {
      const listed = page([...store.files.values()].reverse(), url);
      return send(response, 200, { files: listed.items.map(fileJson), ...(listed.next ? { nextPageToken: listed.next } : {}) });
    }
    const file = store.files.get(name);
    if (!file) return reply(response, notFound(name));
    if (method === 'DELETE') {
      store.files.delete(name);
      return send(response, 200, {});
    }
    return send(response, 200, fileJson(file));
  }
  if (!id && method === 'GET') {
    const listed = page([...store.batches.values()].reverse(), url);
    return send(response, 200, { operations: listed.items.map(batchOperation), ...(listed.next ? { nextPageToken: listed.next } : {}) });
  }
  const batch = store.batches.get(name);
  if (!batch) return reply(response, notFound(name));
  if (cancel && method === 'POST') {
    if (batch.state === 'PENDING' || batch.state === 'RUNNING') batch.cancelRequested = true;
    return send(response, 200, {});
  }
  if (method === 'DELETE') {
    store.batches.delete(name);
    return send(response, 200, {});
  }
  await store.advance(batch);
  return send(response, 200, batchOperation(batch));
}

async function answerCreate(response: ServerResponse, store: BatchStore, model: string, kind: EmulatedBatch['kind'], body: unknown): Promise<void> {
  const method = kind === 'embed' ? 'asyncBatchEmbedContent' : 'batchGenerateContent';
  if (kind === 'embed' ? !EMBEDDING_MODELS.has(model) : !servesMethod(model, 'generateContent')) return reply(response, modelNotFoundError(model, 'v1beta', method));
  const batch = pick(body, 'batch');
  const displayName = pick(batch, 'displayName', 'display_name');
  const fileName = pick(pick(batch, 'inputConfig', 'input_config'), 'fileName', 'file_name');
  if (typeof displayName !== 'string' || displayName === '') return reply(response, googleError(400, 'INVALID_ARGUMENT', 'batch.display_name is required.'));
  if (typeof fileName !== 'string' || !store.files.has(fileName)) return reply(response, googleError(400, 'INVALID_ARGUMENT', `Input file ${String(fileName)} not found.`));
  return send(response, 200, batchOperation(await store.createBatch(kind, model, displayName, fileName)));
}

/** One `upload` / `upload, finalize` chunk: the body streams to disk at the offset the upload has reached. */
async function answerChunk(request: IncomingMessage, response: ServerResponse, store: BatchStore, uploadId: string, recorded: RecordedRequest): Promise<void> {
  const upload = store.uploads.get(uploadId);
  const command = header(request, 'x-goog-upload-command') ?? '';
  const offset = Number(header(request, 'x-goog-upload-offset'));
  const sink = store.appendStream(uploadId);
  if (!upload || !sink || offset !== upload.received || !command.startsWith('upload')) {
    request.resume();
    return reply(response, googleError(400, 'INVALID_ARGUMENT', `Bad upload chunk (offset ${offset}, expected ${upload?.received ?? 'none'}).`));
  }
  let size = 0;
  request.on('data', (part: Buffer) => (size += part.length));
  await pipeline(request, sink);
  upload.received += size;
  recorded.rawBody = `<${size} bytes>`;
  if (!command.includes('finalize')) return send(response, 200, undefined, { 'x-goog-upload-status': 'active' });
  if (upload.received !== upload.declared) return reply(response, googleError(400, 'INVALID_ARGUMENT', `Upload size ${upload.received} differs from the declared ${upload.declared}.`));
  return send(response, 200, { file: fileJson(store.finishUpload(uploadId)) }, { 'x-goog-upload-status': 'final' });
}
