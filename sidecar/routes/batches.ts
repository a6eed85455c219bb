import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { InvalidRequestError } from '../errors/sidecar-error';
import type { AppDeps } from '../server/app-deps';
import { batchDisplayName, BATCH_ENDPOINTS, parseInputFileDisplayName } from '../translate/batch/batch-display-name';
import { batchId, parseFileId } from '../translate/batch/batch-ids';
import { geminiFileSchema } from '../translate/batch/gemini-file-to-openai';
import { geminiBatchOperationSchema, geminiBatchToOpenAI, readGeminiBatch, type OpenAIBatch, type ReadBatch } from '../translate/batch/gemini-batch-to-openai';
import { parseRequestBody } from '../translate/parse-with-param';
import { badResponse } from './gemini-call';
import { batchCall, batchNameOf, listPage, loadBatch, MAX_LIST_PAGES, pageParams } from './batch-state';
import { describeRequest, reportIgnoredParams } from './request-context';
import { ResponsesState } from './responses-state';

/** Gemini keeps batch results 48 hours (https://ai.google.dev/gemini-api/docs/batch-mode): a longer promise cannot be kept. */
const MAX_OUTPUT_SECONDS = 48 * 3600;

/** `POST /v1/batches` body (https://platform.openai.com/docs/api-reference/batch/create). */
const createBatchSchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.string(),
  completion_window: z.string(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  output_expires_after: z.object({ anchor: z.literal('created_at'), seconds: z.number().int().min(3600).max(2_592_000) }).nullish(),
});

const batchListSchema = z.looseObject({ operations: z.array(z.unknown()).nullish(), batches: z.array(z.unknown()).nullish(), nextPageToken: z.string().nullish() });

/**
 * The OpenAI Batch API on Gemini Batch Mode. The batch id is the Gemini batch name; model, endpoint and counts
 * travel in its display name; only `metadata` needs the shared store (Redis), and is refused without one.
 */
export function batchesHandlers(deps: AppDeps, state = new ResponsesState(deps)): Record<'create' | 'retrieve' | 'list' | 'cancel', RequestHandler> {
  const metadataOf = async (req: Request, id: string): Promise<Record<string, string> | null> => {
    if (!deps.responseStore) return null;
    const stored = await deps.responseStore.get(state.tenantOf(req.headers), id).catch(() => undefined);
    const metadata = stored?.response.metadata;
    return metadata && typeof metadata === 'object' ? (metadata as Record<string, string>) : null;
  };

  const create: RequestHandler = async (req, res) => {
    const { request, unknownKeys } = parseRequestBody(createBatchSchema, req.body);
    if (!(BATCH_ENDPOINTS as readonly string[]).includes(request.endpoint)) {
      throw new InvalidRequestError(`endpoint must be one of ${BATCH_ENDPOINTS.join(', ')} on this sidecar.`, 'endpoint', 'unsupported_endpoint');
    }
    if (request.completion_window !== '24h') throw new InvalidRequestError("completion_window must be '24h'.", 'completion_window', 'invalid_value');
    if (request.output_expires_after && request.output_expires_after.seconds > MAX_OUTPUT_SECONDS) {
      throw new InvalidRequestError(`Gemini keeps batch results for 48 hours; output_expires_after.seconds must be at most ${MAX_OUTPUT_SECONDS}.`, 'output_expires_after.seconds', 'invalid_value');
    }
    const metadata = request.metadata ?? {};
    if (Object.keys(metadata).length > 16) throw new InvalidRequestError('metadata holds at most 16 pairs.', 'metadata', 'invalid_value');
    if (Object.keys(metadata).length > 0 && !deps.responseStore) {
      throw new InvalidRequestError('Batch metadata has no place in Gemini and needs the shared store: set REDIS_URL (store.redisUrl) and STORE_ENCRYPTION_KEY, or leave metadata out.', 'metadata', 'store_not_configured');
    }
    const ref = parseFileId(request.input_file_id);
    if (ref?.kind !== 'input') throw new InvalidRequestError(`'${request.input_file_id}' is not a batch input file uploaded to this sidecar.`, 'input_file_id', 'invalid_file');
    const batchApi = batchCall(deps, req, res);
    const file = geminiFileSchema.safeParse(await batchApi.api.getFile(ref.file, batchApi.call));
    const facts = file.success ? parseInputFileDisplayName(file.data.displayName) : undefined;
    if (!facts) throw new InvalidRequestError(`'${request.input_file_id}' is not a batch input file uploaded to this sidecar.`, 'input_file_id', 'invalid_file');
    if (facts.endpoint !== request.endpoint) {
      throw new InvalidRequestError(`The input file's lines are for ${facts.endpoint}, not ${request.endpoint}.`, 'endpoint', 'mismatched_endpoint');
    }
    // Gemini keeps results 48 hours whatever is asked; a shorter expiry is not enforced.
    reportIgnoredParams(deps, res, facts.geminiModel, unknownKeys, request.output_expires_after ? ['output_expires_after'] : []);
    describeRequest(res, { model: facts.model });
    const method = facts.endpoint === '/v1/embeddings' ? 'asyncBatchEmbedContent' : 'batchGenerateContent';
    const raw = await batchApi.api.createBatch(facts.geminiModel, method, batchDisplayName(facts), ref.file, batchApi.call);
    const batch = readOperation(raw);
    const id = batchId(batch.name);
    let kept: Record<string, string> | null = null;
    if (Object.keys(metadata).length > 0) {
      // The batch exists now: a store failure must not look like a failed create (a retry would run it twice).
      try {
        await deps.responseStore!.put(state.tenantOf(req.headers), { id, input: [], response: { metadata } });
        kept = metadata;
      } catch (error) {
        deps.logger.warn({ err: error, batch: batch.name }, 'batch metadata not stored');
        res.setHeader('x-sidecar-batch-metadata', 'not-stored');
      }
    }
    deps.logger.info({ batch: batch.name, model: facts.model, lines: facts.lines }, 'batch created');
    // Gemini's create answer does not always repeat the input file.
    res.json(geminiBatchToOpenAI({ ...batch, inputFile: batch.inputFile ?? ref.file }, { metadata: kept }));
  };

  const retrieve: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const batchApi = batchCall(deps, req, res);
    const batch = await loadBatch(batchApi, batchNameOf(id), id);
    res.json(geminiBatchToOpenAI(batch, { metadata: await metadataOf(req, id) }));
  };

  const cancel: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const batchApi = batchCall(deps, req, res);
    const name = batchNameOf(id);
    await loadBatch(batchApi, name, id);
    await batchApi.api.cancelBatch(name, batchApi.call);
    const batch = await loadBatch(batchApi, name, id);
    res.json(geminiBatchToOpenAI(batch, { cancelling: true, metadata: await metadataOf(req, id) }));
  };

  const list: RequestHandler = async (req, res) => {
    const page = pageParams(req, 20, 100);
    const batchApi = batchCall(deps, req, res);
    const batches: OpenAIBatch[] = [];
    let token: string | undefined;
    let passed = page.after === undefined;
    // Gemini lists newest first; pages are read only until the page after `after` is full.
    for (let pages = 0; pages < MAX_LIST_PAGES && (pages === 0 || token); pages++) {
      const parsed = batchListSchema.safeParse(await batchApi.api.listBatches(token, batchApi.call));
      if (!parsed.success) throw badResponse();
      for (const raw of parsed.data.operations ?? parsed.data.batches ?? []) {
        const operation = geminiBatchOperationSchema.safeParse(raw);
        const batch = operation.success ? readGeminiBatch(operation.data) : undefined;
        if (!batch) continue;
        const openai = geminiBatchToOpenAI(batch);
        if (passed) batches.push(openai);
        else if (openai.id === page.after) passed = true;
      }
      token = parsed.data.nextPageToken ?? undefined;
      if (batches.length > page.limit) break;
    }
    const listed = listPage(batches, { limit: page.limit, after: undefined });
    if (deps.responseStore) await Promise.all(listed.data.map(async (batch) => (batch.metadata = await metadataOf(req, batch.id))));
    res.json(listed);
  };

  return { create, retrieve, list, cancel };
}

function readOperation(raw: unknown): ReadBatch {
  const parsed = geminiBatchOperationSchema.safeParse(raw);
  const batch = parsed.success ? readGeminiBatch(parsed.data) : undefined;
  if (!batch) throw badResponse();
  return batch;
}

