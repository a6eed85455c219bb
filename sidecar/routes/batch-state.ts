import type { Request, Response } from 'express';
import { z } from 'zod';
import { renderOpenAIError } from '../errors/render-openai-error';
import { ClientClosedError, InvalidRequestError, NotFoundError } from '../errors/sidecar-error';
import type { GeminiCallOptions } from '../gemini/active-call';
import { geminiBatchApi, type GeminiBatchApi } from '../gemini/gemini-batch-api';
import { geminiErrorToSidecarError, parseGeminiErrorBody } from '../gemini/gemini-error';
import type { Logger } from '../observability/logger';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { parseBatchId } from '../translate/batch/batch-ids';
import { GeminiBatchOutputTranslator, type GeminiLineError } from '../translate/batch/gemini-batch-output-to-openai';
import { geminiBatchOperationSchema, readGeminiBatch, type ReadBatch } from '../translate/batch/gemini-batch-to-openai';
import { LineSplitter } from '../util/line-splitter';
import { badResponse } from './gemini-call';
import { abortOnClientClose } from './request-context';

// What the Files and Batch routes share: the upstream call for a request, reading a batch, paging, and the results.

/** Longest Gemini result line read (a response with inline images can be large). */
const MAX_RESULT_LINE_CHARS = 64 * 1024 * 1024;
/** Pages of Gemini's list read for one OpenAI list call at most (100 entries each). */
export const MAX_LIST_PAGES = 50;

/** The upstream API and call options of one request. */
export interface BatchCall {
  api: GeminiBatchApi;
  call: GeminiCallOptions;
}

/** The caller's key (or the pool), the Files/Batch API and a signal that aborts when the client leaves. */
export function batchCall(deps: AppDeps, req: Request, res: Response): BatchCall {
  const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
  return { api: geminiBatchApi(deps.gemini), call: { apiKey, signal: abortOnClientClose(req, res, deps.lifecycle.forceStop.signal) } };
}

/** A Gemini batch the sidecar created, by Gemini name; 404 for anything else. */
export async function loadBatch({ api, call }: BatchCall, name: string, id: string): Promise<ReadBatch> {
  const parsed = geminiBatchOperationSchema.safeParse(await api.getBatch(name, call));
  if (!parsed.success) throw badResponse();
  const batch = readGeminiBatch(parsed.data);
  if (!batch) throw notFound('batch', id);
  return batch;
}

/** The Gemini name of a `batch_…` id; 404 when the id is not one the sidecar issued. */
export function batchNameOf(id: string): string {
  const name = parseBatchId(id);
  if (!name) throw notFound('batch', id);
  return name;
}

export function notFound(kind: 'batch' | 'file', id: string): NotFoundError {
  return new NotFoundError(`No ${kind} found with id '${id}'.`, `${kind}_not_found`);
}

/** OpenAI list paging: `limit` within bounds, `after` an id, `order` asc or desc. */
export function pageParams(req: Request, defaultLimit: number, maxLimit: number): { limit: number; after: string | undefined; order: 'asc' | 'desc' } {
  const query = z
    .object({
      limit: z.coerce.number().int().min(1).max(maxLimit).optional(),
      after: z.string().min(1).optional(),
      order: z.enum(['asc', 'desc']).optional(),
    })
    .safeParse({ limit: req.query.limit, after: req.query.after, order: req.query.order });
  if (!query.success) {
    const param = String(query.error.issues[0]?.path[0] ?? 'limit');
    throw new InvalidRequestError(`Invalid value for '${param}'.`, param, 'invalid_value');
  }
  return { limit: query.data.limit ?? defaultLimit, after: query.data.after, order: query.data.order ?? 'desc' };
}

/** The OpenAI list envelope for the page after `after`. */
export function listPage<T extends { id: string }>(items: readonly T[], page: { limit: number; after: string | undefined }) {
  const start = page.after === undefined ? 0 : items.findIndex((item) => item.id === page.after) + 1;
  const data = start === 0 && page.after !== undefined ? [] : items.slice(start, start + page.limit);
  return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + page.limit < items.length };
}

/** A Gemini per-line error → what the live endpoint answers for it (the one error table and renderer). */
function renderLineError(error: GeminiLineError) {
  const status = error.code ?? 500;
  const body = parseGeminiErrorBody({ error: { code: status, message: error.message ?? '', status: error.status ?? undefined } });
  const rendered = renderOpenAIError(geminiErrorToSidecarError(status, body));
  return { status: rendered.status, body: rendered.body };
}

/** Resolves when `res` can take more, or is gone; both listeners are removed either way. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Streams one view (output or error) of a finished batch: Gemini's results file is downloaded and translated line by
 * line; only the lines of that view are written. A failure after the first byte can only cut the response.
 */
export async function writeResults({ api, call }: BatchCall, res: Response, batch: ReadBatch, kind: 'output' | 'error', logger: Logger): Promise<void> {
  if (!batch.responsesFile) throw new InvalidRequestError('The batch has no results yet.', null, 'batch_not_finished');
  const translator = new GeminiBatchOutputTranslator({
    facts: batch.facts,
    batchKey: batch.name.replace(/^batches\//, '').slice(-12),
    created: Math.floor(Date.parse(batch.raw.endTime ?? batch.raw.updateTime ?? '') / 1000) || 0,
    renderError: renderLineError,
  });
  const bytes = await api.download(batch.responsesFile, call);
  const splitter = new LineSplitter(MAX_RESULT_LINE_CHARS);
  res.status(200).setHeader('content-type', 'application/octet-stream');
  const write = async (lines: ReturnType<GeminiBatchOutputTranslator['push']>) => {
    for (const translated of lines) {
      if (translated.file !== kind) continue;
      if (res.destroyed) throw new ClientClosedError();
      if (!res.write(`${JSON.stringify(translated.line)}\n`)) await drained(res);
    }
  };
  try {
    for await (const chunk of bytes) for (const text of splitter.push(chunk)) await write(translator.push(text));
    for (const text of splitter.end()) await write(translator.push(text));
    await write(translator.finish());
    if (translator.unattributed > 0) logger.warn({ batch: batch.name, lines: translator.unattributed }, 'Gemini batch results held lines that name no request of the batch; left out');
    res.end();
  } catch (error) {
    if (!res.headersSent) throw error;
    res.destroy(error as Error);
  }
}
