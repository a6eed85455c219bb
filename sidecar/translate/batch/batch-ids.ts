// OpenAI ids derived from Gemini resource names, so any replica answers any call and nothing is kept: the name is
// base64url-encoded (an id is then one opaque token, never a path) and checked against Gemini's id alphabet when
// decoded, so a forged id cannot reach another Gemini path.

/** Gemini file and batch ids: `files/{id}`, `batches/{id}` (lowercase letters, digits, dashes; batch ids also `_`). */
const RESOURCE = /^(files|batches)\/[A-Za-z0-9_-]{1,128}$/;

/** Which OpenAI file an id names: an uploaded (translated) input, or the output / error view of a batch's results. */
export type FileRef = { kind: 'input'; file: string } | { kind: 'output' | 'error'; batch: string };

const FILE_PREFIX = 'file-';
const BATCH_PREFIX = 'batch_';
const VIEW_TAG = { output: 'out:', error: 'err:' } as const;

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decode(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** `files/abc` → `file-…`. */
export function inputFileId(geminiFile: string): string {
  return FILE_PREFIX + encode(geminiFile);
}

/** The output or error file of `batches/xyz` → `file-…`. */
export function resultFileId(kind: 'output' | 'error', geminiBatch: string): string {
  return FILE_PREFIX + encode(VIEW_TAG[kind] + geminiBatch);
}

/** `batches/xyz` → `batch_…`. */
export function batchId(geminiBatch: string): string {
  return BATCH_PREFIX + encode(geminiBatch);
}

/** A `file-…` id back to what it names, or undefined when it is not one the sidecar issued. */
export function parseFileId(id: string): FileRef | undefined {
  if (!id.startsWith(FILE_PREFIX)) return undefined;
  const name = decode(id.slice(FILE_PREFIX.length));
  if (name === undefined) return undefined;
  for (const kind of ['output', 'error'] as const) {
    const batch = name.startsWith(VIEW_TAG[kind]) ? name.slice(VIEW_TAG[kind].length) : undefined;
    if (batch !== undefined) return batch.startsWith('batches/') && RESOURCE.test(batch) ? { kind, batch } : undefined;
  }
  return name.startsWith('files/') && RESOURCE.test(name) ? { kind: 'input', file: name } : undefined;
}

/** A `batch_…` id back to `batches/xyz`, or undefined. */
export function parseBatchId(id: string): string | undefined {
  if (!id.startsWith(BATCH_PREFIX)) return undefined;
  const name = decode(id.slice(BATCH_PREFIX.length));
  return name !== undefined && name.startsWith('batches/') && RESOURCE.test(name) ? name : undefined;
}
