import type { RequestHandler } from 'express';
import { z } from 'zod';
import { InvalidRequestError } from '../errors/sidecar-error';
import type { AppDeps } from '../server/app-deps';
import { parseFileId, type FileRef } from '../translate/batch/batch-ids';
import { geminiFileSchema, geminiInputFileToOpenAI, geminiResultFileToOpenAI, type OpenAIFile } from '../translate/batch/gemini-file-to-openai';
import { badResponse } from './gemini-call';
import { batchCall, listPage, loadBatch, MAX_LIST_PAGES, notFound, pageParams, writeResults, type BatchCall } from './batch-state';
import { batchUploadHandler } from './batch-upload';
import { ResponsesState } from './responses-state';

const fileListSchema = z.looseObject({ files: z.array(z.unknown()).nullish(), nextPageToken: z.string().nullish() });

function fileRef(id: string): FileRef {
  const ref = parseFileId(id);
  if (!ref) throw notFound('file', id);
  return ref;
}

async function inputFile({ api, call }: BatchCall, name: string, id: string): Promise<OpenAIFile> {
  const parsed = geminiFileSchema.safeParse(await api.getFile(name, call));
  if (!parsed.success) throw badResponse();
  const file = geminiInputFileToOpenAI(parsed.data);
  if (!file) throw notFound('file', id);
  return file;
}

async function resultFile(batchApi: BatchCall, ref: Extract<FileRef, { batch: string }>, id: string): Promise<{ file: OpenAIFile; responsesFile: string }> {
  const batch = await loadBatch(batchApi, ref.batch, id);
  if (!batch.responsesFile) throw notFound('file', id);
  const parsed = geminiFileSchema.safeParse(await batchApi.api.getFile(batch.responsesFile, batchApi.call));
  return { file: geminiResultFileToOpenAI(ref.kind, batch, parsed.success ? parsed.data : undefined), responsesFile: batch.responsesFile };
}

/**
 * The OpenAI Files API for batch files, with no state of its own: an input file is the translated Gemini file (its
 * facts in the display name), an output or error file is a view of a batch's Gemini results file.
 */
export function filesHandlers(deps: AppDeps, state = new ResponsesState(deps)): Record<'upload' | 'list' | 'retrieve' | 'remove' | 'content', RequestHandler> {
  const list: RequestHandler = async (req, res) => {
    const batchApi = batchCall(deps, req, res);
    const page = pageParams(req, 10_000, 10_000);
    const purpose = typeof req.query.purpose === 'string' ? req.query.purpose : undefined;
    const files: OpenAIFile[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < MAX_LIST_PAGES && (pages === 0 || token); pages++) {
      const parsed = fileListSchema.safeParse(await batchApi.api.listFiles(token, batchApi.call));
      if (!parsed.success) throw badResponse();
      for (const raw of parsed.data.files ?? []) {
        const file = geminiFileSchema.safeParse(raw);
        const openai = file.success ? geminiInputFileToOpenAI(file.data) : undefined;
        if (openai) files.push(openai);
      }
      token = parsed.data.nextPageToken ?? undefined;
    }
    const wanted = purpose === undefined || purpose === 'batch' ? files : [];
    wanted.sort((a, b) => (page.order === 'asc' ? a.created_at - b.created_at : b.created_at - a.created_at));
    res.json(listPage(wanted, page));
  };

  const retrieve: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const ref = fileRef(id);
    const batchApi = batchCall(deps, req, res);
    res.json(ref.kind === 'input' ? await inputFile(batchApi, ref.file, id) : (await resultFile(batchApi, ref, id)).file);
  };

  const remove: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const ref = fileRef(id);
    const batchApi = batchCall(deps, req, res);
    // An output and an error file are two views of one Gemini results file: deleting either deletes both.
    const name = ref.kind === 'input' ? (await inputFile(batchApi, ref.file, id), ref.file) : (await resultFile(batchApi, ref, id)).responsesFile;
    await batchApi.api.deleteFile(name, batchApi.call);
    if (ref.kind === 'input' && deps.responseStore) await deps.responseStore.delete(state.tenantOf(req.headers), id).catch(() => false);
    res.json({ id, object: 'file', deleted: true });
  };

  const content: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const ref = fileRef(id);
    const batchApi = batchCall(deps, req, res);
    if (ref.kind === 'input') {
      await inputFile(batchApi, ref.file, id);
      const stored = deps.responseStore ? await deps.responseStore.get(state.tenantOf(req.headers), id) : undefined;
      const content = stored?.response.content;
      if (typeof content === 'string') {
        res.setHeader('content-type', 'application/octet-stream');
        res.send(Buffer.from(content, 'utf8'));
        return;
      }
      throw new InvalidRequestError(
        `The content of this batch input cannot be downloaded: Gemini does not serve uploaded files back, and the sidecar keeps a copy only of inputs up to half of store.maxEntryBytes when the response store is configured${deps.responseStore ? '' : ' (it is not)'}. Keep your own copy of the input.`,
        'file_id',
        'file_content_unavailable',
      );
    }
    await writeResults(batchApi, res, await loadBatch(batchApi, ref.batch, id), ref.kind, deps.logger);
  };

  return { upload: batchUploadHandler(deps, state), list, retrieve, remove, content };
}
