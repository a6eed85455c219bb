import { z } from 'zod';
import { unixSeconds } from './unix-seconds';
import { parseInputFileDisplayName } from './batch-display-name';
import { inputFileId, resultFileId } from './batch-ids';
import type { ReadBatch } from './gemini-batch-to-openai';

/** A Gemini File, only what the sidecar reads (https://ai.google.dev/api/files#File). */
export const geminiFileSchema = z.looseObject({
  name: z.string(),
  displayName: z.string().nullish(),
  sizeBytes: z.union([z.string(), z.number()]).nullish(),
  createTime: z.string().nullish(),
  expirationTime: z.string().nullish(),
  state: z.string().nullish(),
});

export type GeminiFile = z.infer<typeof geminiFileSchema>;

/** The OpenAI file object. */
export interface OpenAIFile {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: 'batch' | 'batch_output';
  status: 'processed' | 'error';
  status_details: string | null;
}

/** An uploaded input file → OpenAI file; undefined when the sidecar did not upload it. `expires_at` is Gemini's (48 h). */
export function geminiInputFileToOpenAI(file: GeminiFile): OpenAIFile | undefined {
  const facts = parseInputFileDisplayName(file.displayName);
  if (!facts) return undefined;
  return {
    id: inputFileId(file.name),
    object: 'file',
    bytes: facts.bytes,
    created_at: unixSeconds(file.createTime) ?? 0,
    expires_at: unixSeconds(file.expirationTime),
    filename: facts.filename,
    purpose: 'batch',
    status: file.state === 'FAILED' ? 'error' : 'processed',
    status_details: null,
  };
}

/** A batch's output or error view of its Gemini results file → OpenAI file (`bytes` is the Gemini file's size). */
export function geminiResultFileToOpenAI(kind: 'output' | 'error', batch: ReadBatch, file: GeminiFile | undefined): OpenAIFile {
  const id = resultFileId(kind, batch.name);
  return {
    id,
    object: 'file',
    bytes: Number(file?.sizeBytes ?? 0) || 0,
    created_at: unixSeconds(file?.createTime) ?? unixSeconds(batch.raw.endTime) ?? 0,
    expires_at: unixSeconds(file?.expirationTime),
    filename: `${batch.name.replace('batches/', 'batch_')}_${kind}.jsonl`,
    purpose: 'batch_output',
    status: 'processed',
    status_details: null,
  };
}
