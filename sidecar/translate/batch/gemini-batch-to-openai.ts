import { z } from 'zod';
import { unixSeconds } from './unix-seconds';
import { parseBatchDisplayName, type BatchInputFacts } from './batch-display-name';
import { batchId, inputFileId, resultFileId } from './batch-ids';

// Gemini answers batch create, get and list with an Operation whose `metadata` is the GenerateContentBatch
// (https://ai.google.dev/api/batch-mode); int64 counts come as JSON strings and are left out when zero.

const count = z.union([z.string(), z.number()]).nullish().transform((value) => (value == null ? 0 : Number(value) || 0));

const batchSchema = z.looseObject({
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  model: z.string().nullish(),
  state: z.string().nullish(),
  createTime: z.string().nullish(),
  updateTime: z.string().nullish(),
  endTime: z.string().nullish(),
  inputConfig: z.looseObject({ fileName: z.string().nullish() }).nullish(),
  output: z.looseObject({ responsesFile: z.string().nullish() }).nullish(),
  batchStats: z
    .looseObject({ requestCount: count, successfulRequestCount: count, failedRequestCount: count, pendingRequestCount: count })
    .nullish(),
});

/** Batch create / get / list entry: an Operation (batch in `metadata`) or the batch itself. */
export const geminiBatchOperationSchema = z.looseObject({
  name: z.string(),
  metadata: batchSchema.nullish(),
  response: z.looseObject({ responsesFile: z.string().nullish() }).nullish(),
  error: z.looseObject({ code: z.number().nullish(), message: z.string().nullish() }).nullish(),
  state: z.string().nullish(),
  displayName: z.string().nullish(),
});

export type GeminiBatchOperation = z.infer<typeof geminiBatchOperationSchema>;

/** OpenAI batch statuses. */
export type OpenAIBatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** Gemini batch state → OpenAI batch status (both spellings Google uses: BATCH_STATE_* on the wire, JOB_STATE_* in SDKs). */
const STATUS: Record<string, OpenAIBatchStatus> = {
  PENDING: 'in_progress',
  RUNNING: 'in_progress',
  SUCCEEDED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
};

/** The OpenAI batch object. */
export interface OpenAIBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string;
  errors: { object: 'list'; data: Array<{ code: string; message: string; param: null; line: null }> } | null;
  input_file_id: string;
  completion_window: '24h';
  status: OpenAIBatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

/** A Gemini batch's fields, wherever the answer put them, with the sidecar's facts from its display name. */
export interface ReadBatch {
  name: string;
  facts: BatchInputFacts;
  state: string;
  responsesFile: string | undefined;
  inputFile: string | undefined;
  raw: z.infer<typeof batchSchema>;
  error: GeminiBatchOperation['error'];
}

/** Reads a Gemini batch; undefined when the sidecar did not create it (its display name carries no facts). */
export function readGeminiBatch(operation: GeminiBatchOperation): ReadBatch | undefined {
  const raw = operation.metadata ?? batchSchema.parse(operation);
  const facts = parseBatchDisplayName(raw.displayName ?? operation.displayName);
  if (!facts) return undefined;
  const state = (raw.state ?? operation.state ?? 'PENDING').replace(/^(BATCH|JOB)_STATE_/, '');
  const responsesFile = raw.output?.responsesFile ?? operation.response?.responsesFile ?? undefined;
  return { name: operation.name, facts, state, responsesFile, inputFile: raw.inputConfig?.fileName ?? undefined, raw, error: operation.error };
}

/**
 * Request counts in OpenAI's terms (lines, not Gemini requests): lines the sidecar could not translate count as
 * failed from the start, their placeholders' results are taken out of Gemini's successes, and when an embeddings
 * line became several Gemini requests the counts are scaled from requests to lines (approximate while running).
 */
function requestCounts(batch: ReadBatch): OpenAIBatch['request_counts'] {
  const { lines, invalid, requests } = batch.facts;
  const stats = batch.raw.batchStats;
  const validLines = lines - invalid;
  const validRequests = Math.max(1, requests - invalid);
  const scale = (value: number) => Math.min(validLines, Math.floor((Math.max(0, value) * validLines) / validRequests));
  const succeeded = scale((stats?.successfulRequestCount ?? 0) - invalid);
  const failed = Math.min(lines - succeeded, invalid + scale(stats?.failedRequestCount ?? 0));
  return { total: lines, completed: succeeded, failed };
}

/** Gemini batch → OpenAI batch object; `cancelling` right after a cancel that Gemini has not finished. */
export function geminiBatchToOpenAI(batch: ReadBatch, options: { cancelling?: boolean; metadata?: Record<string, string> | null } = {}): OpenAIBatch {
  const created = unixSeconds(batch.raw.createTime) ?? 0;
  const ended = unixSeconds(batch.raw.endTime) ?? unixSeconds(batch.raw.updateTime);
  const mapped = STATUS[batch.state] ?? 'in_progress';
  const status: OpenAIBatchStatus = options.cancelling && mapped === 'in_progress' ? 'cancelling' : mapped;
  const counts = requestCounts(batch);
  const finished = status === 'completed' || status === 'cancelled' || status === 'expired';
  const hasResults = finished && batch.responsesFile !== undefined;
  const started = batch.state === 'PENDING' ? null : (unixSeconds(batch.raw.updateTime) ?? created);
  const errorMessage = batch.error?.message ?? undefined;
  return {
    id: batchId(batch.name),
    object: 'batch',
    endpoint: batch.facts.endpoint,
    model: batch.facts.model,
    errors: status === 'failed' ? { object: 'list', data: [{ code: 'batch_failed', message: errorMessage ?? 'Gemini reported the batch as failed.', param: null, line: null }] } : null,
    input_file_id: batch.inputFile ? inputFileId(batch.inputFile) : '',
    completion_window: '24h',
    status,
    output_file_id: hasResults && counts.completed > 0 ? resultFileId('output', batch.name) : null,
    error_file_id: hasResults && counts.failed > 0 ? resultFileId('error', batch.name) : null,
    created_at: created,
    in_progress_at: started === null ? null : Math.min(started, ended ?? started),
    expires_at: created + 24 * 3600,
    finalizing_at: status === 'completed' ? ended : null,
    completed_at: status === 'completed' ? ended : null,
    failed_at: status === 'failed' ? ended : null,
    expired_at: status === 'expired' ? ended : null,
    cancelling_at: status === 'cancelling' || status === 'cancelled' ? ended : null,
    cancelled_at: status === 'cancelled' ? ended : null,
    request_counts: counts,
    metadata: options.metadata ?? null,
  };
}
