import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpstreamRequestOptions } from '@sidecar/gemini/gemini-client';
import { GeminiBatchApi, UPLOAD_CHUNK_BYTES } from '@sidecar/gemini/gemini-batch-api';

interface Sent {
  method: string;
  path: string;
  options: UpstreamRequestOptions;
  bytes: number;
}

function transport(uploadUrl: string, sent: Sent[]) {
  return {
    upstreamOrigin: 'https://generativelanguage.googleapis.com',
    download: () => Promise.reject(new Error('unused')),
    requestJson: (method: 'GET' | 'POST' | 'DELETE', path: string, _body: unknown, _call: unknown, options: UpstreamRequestOptions = {}) => {
      sent.push({ method, path, options, bytes: options.raw?.length ?? 0 });
      if (options.headers?.['x-goog-upload-command'] === 'start') return Promise.resolve({ json: {}, headers: { 'x-goog-upload-url': uploadUrl } });
      return Promise.resolve({ json: { file: { name: 'files/abc' } }, headers: {} });
    },
  };
}

describe('GeminiBatchApi.upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batch-api-test-'));
  const path = join(dir, 'input.jsonl');
  const size = UPLOAD_CHUNK_BYTES * 2 + 10;
  writeFileSync(path, Buffer.alloc(size, 'a'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with the size and display name, then sends 8 MiB chunks at their offsets and finalizes with the last', async () => {
    const sent: Sent[] = [];
    const api = new GeminiBatchApi(transport('https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=u1', sent));
    expect(await api.upload(path, size, 'openai-batch:{}', {})).toEqual({ name: 'files/abc' });
    expect(sent[0]).toMatchObject({ method: 'POST', path: 'files', options: { root: 'upload', headers: { 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-header-content-length': String(size) } } });
    expect(sent.slice(1).map((call) => [call.options.originPath, call.options.headers?.['x-goog-upload-offset'], call.options.headers?.['x-goog-upload-command'], call.bytes])).toEqual([
      ['/upload/v1beta/files?upload_id=u1', '0', 'upload', UPLOAD_CHUNK_BYTES],
      ['/upload/v1beta/files?upload_id=u1', String(UPLOAD_CHUNK_BYTES), 'upload', UPLOAD_CHUNK_BYTES],
      ['/upload/v1beta/files?upload_id=u1', String(2 * UPLOAD_CHUNK_BYTES), 'upload, finalize', 10],
    ]);
  });

  it('never sends the key to an upload URL on another host', async () => {
    const sent: Sent[] = [];
    const api = new GeminiBatchApi(transport('https://attacker.example/upload?upload_id=u1', sent));
    await expect(api.upload(path, size, 'x', {})).rejects.toMatchObject({ code: 'upstream_bad_response' });
    expect(sent).toHaveLength(1);
  });
});
