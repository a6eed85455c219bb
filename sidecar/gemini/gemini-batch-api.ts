import { open } from 'node:fs/promises';
import { UpstreamUnreachableError } from '../errors/sidecar-error';
import type { GeminiApi } from '../server/app-deps';
import type { GeminiCallOptions } from './active-call';

// Gemini's Files API (resumable upload: https://ai.google.dev/api/files) and Batch Mode
// (https://ai.google.dev/gemini-api/docs/batch-mode) over the one upstream client.

/** The JSSDK uploads 8 MiB chunks; Google requires every chunk but the last to be a multiple of 256 KiB. */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

type Transport = Required<Pick<GeminiApi, 'requestJson' | 'download' | 'upstreamOrigin'>>;

/** The Files and Batch operations, or an error when the client given has none (a test stub). */
export function geminiBatchApi(gemini: GeminiApi): GeminiBatchApi {
  const { requestJson, download, upstreamOrigin } = gemini;
  if (!requestJson || !download || upstreamOrigin === undefined) throw new UpstreamUnreachableError('This Gemini client has no Files API.', 'files_api_unavailable');
  return new GeminiBatchApi({ requestJson: requestJson.bind(gemini), download: download.bind(gemini), upstreamOrigin });
}

/** Upload, read, list and delete Gemini files; create, read, list and cancel Gemini batches. */
export class GeminiBatchApi {
  constructor(private readonly transport: Transport) {}

  /**
   * Uploads a file from disk with the resumable protocol: `start` with the size and display name, then 8 MiB
   * `upload` chunks at their offsets and a last `upload, finalize`; only one chunk is in memory at a time.
   */
  async upload(path: string, size: number, displayName: string, call: GeminiCallOptions): Promise<unknown> {
    const started = await this.transport.requestJson('POST', 'files', { file: { displayName } }, call, {
      root: 'upload',
      headers: {
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': String(size),
        'x-goog-upload-header-content-type': 'application/jsonl',
      },
    });
    const uploadPath = this.sameOriginPath(started.headers['x-goog-upload-url']);
    const file = await open(path, 'r');
    try {
      const chunk = Buffer.allocUnsafe(UPLOAD_CHUNK_BYTES);
      let offset = 0;
      for (;;) {
        const { bytesRead } = await file.read(chunk, 0, UPLOAD_CHUNK_BYTES, offset);
        const last = offset + bytesRead >= size;
        const answer = await this.transport.requestJson('POST', '', undefined, call, {
          originPath: uploadPath,
          raw: chunk.subarray(0, bytesRead),
          headers: { 'x-goog-upload-command': last ? 'upload, finalize' : 'upload', 'x-goog-upload-offset': String(offset) },
        });
        offset += bytesRead;
        if (last) return (answer.json as { file?: unknown }).file ?? answer.json;
        if (bytesRead === 0) throw new UpstreamUnreachableError('The spooled batch file ended before its size.', 'upload_incomplete');
      }
    } finally {
      await file.close();
    }
  }

  getFile(name: string, call: GeminiCallOptions): Promise<unknown> {
    return this.json('GET', name, call);
  }

  deleteFile(name: string, call: GeminiCallOptions): Promise<unknown> {
    return this.json('DELETE', name, call);
  }

  /** One page of `files` → `{files, nextPageToken}`. */
  listFiles(pageToken: string | undefined, call: GeminiCallOptions): Promise<unknown> {
    return this.json('GET', `files?pageSize=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, call);
  }

  /** `:batchGenerateContent` or `:asyncBatchEmbedContent` with a file as input → the batch's Operation. */
  createBatch(model: string, method: 'batchGenerateContent' | 'asyncBatchEmbedContent', displayName: string, fileName: string, call: GeminiCallOptions): Promise<unknown> {
    return this.json('POST', `models/${model}:${method}`, call, { batch: { displayName, inputConfig: { fileName } } });
  }

  getBatch(name: string, call: GeminiCallOptions): Promise<unknown> {
    return this.json('GET', name, call);
  }

  /** One page of `batches` → `{operations, nextPageToken}`. */
  listBatches(pageToken: string | undefined, call: GeminiCallOptions): Promise<unknown> {
    return this.json('GET', `batches?pageSize=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, call);
  }

  cancelBatch(name: string, call: GeminiCallOptions): Promise<unknown> {
    return this.json('POST', `${name}:cancel`, call, {});
  }

  /** A generated file's bytes as they arrive (`/download/…/{name}:download?alt=media`). */
  download(name: string, call: GeminiCallOptions): Promise<AsyncIterable<Buffer>> {
    return this.transport.download(`${name}:download?alt=media`, call);
  }

  private async json(method: 'GET' | 'POST' | 'DELETE', path: string, call: GeminiCallOptions, body?: unknown): Promise<unknown> {
    return (await this.transport.requestJson(method, path, body, call)).json;
  }

  /** The upload URL's path; the key goes only to the origin the sidecar calls, never to a host an answer names. */
  private sameOriginPath(header: string | string[] | undefined): string {
    const value = Array.isArray(header) ? header[0] : header;
    let url: URL;
    try {
      url = new URL(value ?? '');
    } catch {
      throw new UpstreamUnreachableError('Gemini started an upload without an x-goog-upload-url.', 'upstream_bad_response');
    }
    if (url.origin !== this.transport.upstreamOrigin) throw new UpstreamUnreachableError('Gemini handed out an upload URL on another host.', 'upstream_bad_response');
    return url.pathname + url.search;
  }
}
