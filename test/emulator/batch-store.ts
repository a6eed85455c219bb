import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { answerEmbedContent } from './default-embeddings';
import { buildGenerateContentResponse, planReply } from './default-reply';
import { validateGenerateRequest } from './validate-generate-request';

// The Files and Batch Mode state of the emulator: files live on disk (a 200 MB upload must not sit in the test
// process's heap), batches in memory, each moving PENDING → RUNNING → SUCCEEDED one step per GET unless held.

/** A Gemini File: uploaded (not downloadable) or generated (batch results, downloadable). */
export interface EmulatedFile {
  name: string;
  displayName: string;
  mimeType: string;
  sizeBytes: number;
  createTime: string;
  expirationTime: string;
  source: 'UPLOADED' | 'GENERATED';
  path: string;
}

/** The states Gemini reports on the wire (BATCH_STATE_ prefix added when answering). */
export type EmulatedBatchState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

/** One Gemini batch. */
export interface EmulatedBatch {
  name: string;
  kind: 'generate' | 'embed';
  model: string;
  displayName: string;
  inputFile: string;
  state: EmulatedBatchState;
  createTime: string;
  updateTime: string;
  endTime?: string;
  requestCount: number;
  succeeded: number;
  failed: number;
  responsesFile?: string;
  cancelRequested: boolean;
}

const RETENTION_MS = 48 * 3600 * 1000;

function id(): string {
  return randomBytes(6).toString('hex');
}

/** Files and batches of one emulator. */
export class BatchStore {
  readonly files = new Map<string, EmulatedFile>();
  readonly batches = new Map<string, EmulatedBatch>();
  readonly uploads = new Map<string, { displayName: string; declared: number; received: number; path: string; mimeType: string }>();
  /** While true, GETs leave batches in their state (a test moves them with settle()). */
  hold = false;
  private readonly directory = mkdtempSync(join(tmpdir(), 'gemini-emulator-files-'));

  startUpload(displayName: string, declared: number, mimeType: string): string {
    const uploadId = id();
    this.uploads.set(uploadId, { displayName, declared, received: 0, path: join(this.directory, `upload-${uploadId}`), mimeType });
    return uploadId;
  }

  /** Appends a chunk's body to its upload file. */
  appendStream(uploadId: string): NodeJS.WritableStream | undefined {
    const upload = this.uploads.get(uploadId);
    return upload ? createWriteStream(upload.path, { flags: 'a' }) : undefined;
  }

  finishUpload(uploadId: string): EmulatedFile {
    const upload = this.uploads.get(uploadId)!;
    this.uploads.delete(uploadId);
    return this.addFile(upload.displayName, upload.path, 'UPLOADED', upload.mimeType);
  }

  addFile(displayName: string, path: string, source: EmulatedFile['source'], mimeType = 'application/jsonl'): EmulatedFile {
    const now = Date.now();
    const name = source === 'GENERATED' ? `files/batch-${id()}` : `files/${id()}`;
    const file: EmulatedFile = {
      name,
      displayName,
      mimeType,
      sizeBytes: statSync(path).size,
      createTime: new Date(now).toISOString(),
      expirationTime: new Date(now + RETENTION_MS).toISOString(),
      source,
      path,
    };
    this.files.set(name, file);
    return file;
  }

  async createBatch(kind: EmulatedBatch['kind'], model: string, displayName: string, inputFile: string): Promise<EmulatedBatch> {
    const file = this.files.get(inputFile)!;
    let requestCount = 0;
    for await (const line of createInterface({ input: createReadStream(file.path) })) if (line.trim() !== '') requestCount += 1;
    const now = new Date().toISOString();
    const batch: EmulatedBatch = {
      name: `batches/${id()}`,
      kind,
      model,
      displayName,
      inputFile,
      state: 'PENDING',
      createTime: now,
      updateTime: now,
      requestCount,
      succeeded: 0,
      failed: 0,
      cancelRequested: false,
    };
    this.batches.set(batch.name, batch);
    return batch;
  }

  /** One step of a batch's life, as a GET observes it; a cancel lands on the next step. */
  async advance(batch: EmulatedBatch): Promise<void> {
    if (this.hold || ['SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED'].includes(batch.state)) return;
    if (batch.cancelRequested) return this.settle(batch.name, 'CANCELLED');
    if (batch.state === 'PENDING') {
      batch.state = 'RUNNING';
      batch.updateTime = new Date().toISOString();
      return;
    }
    await this.settle(batch.name, 'SUCCEEDED');
  }

  /** Ends a batch in `state`; SUCCEEDED runs every line (as generateContent / embedContent would) into a results file. */
  async settle(name: string, state: Exclude<EmulatedBatchState, 'PENDING' | 'RUNNING'>): Promise<void> {
    const batch = this.batches.get(name);
    if (!batch) throw new Error(`no batch ${name}`);
    if (state === 'SUCCEEDED') await this.run(batch);
    batch.state = state;
    batch.endTime = batch.updateTime = new Date().toISOString();
  }

  private async run(batch: EmulatedBatch): Promise<void> {
    const input = this.files.get(batch.inputFile)!;
    const path = join(this.directory, `results-${id()}`);
    const out = createWriteStream(path);
    for await (const text of createInterface({ input: createReadStream(input.path), crlfDelay: Infinity })) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as { key?: string; request?: unknown };
      const request = line.request ?? {};
      const raw = JSON.stringify(request);
      let result: Record<string, unknown>;
      if (batch.kind === 'embed') {
        const reply = answerEmbedContent(batch.model, 'v1beta', request, raw);
        result = reply.status === 200 ? { response: reply.body } : { error: (reply.body as { error: unknown }).error };
      } else {
        const validation = validateGenerateRequest(raw, request, batch.model);
        result = validation.ok ? { response: buildGenerateContentResponse(planReply(validation.request, batch.model)) } : { error: validation.error.body.error };
      }
      if ('error' in result) batch.failed += 1;
      else batch.succeeded += 1;
      if (!out.write(`${JSON.stringify({ key: line.key, ...result })}\n`)) await once(out, 'drain');
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    batch.responsesFile = this.addFile(`batch-${batch.name}`, path, 'GENERATED').name;
  }

  /** Removes the files on disk. */
  dispose(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }

  clear(): void {
    this.files.clear();
    this.batches.clear();
    this.uploads.clear();
    this.hold = false;
  }
}
