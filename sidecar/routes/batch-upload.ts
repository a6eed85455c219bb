import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { InvalidRequestError, PayloadTooLargeError } from '../errors/sidecar-error';
import { geminiBatchApi } from '../gemini/gemini-batch-api';
import { inlineRemoteMedia } from '../media/inline-remote-media';
import type { AppDeps } from '../server/app-deps';
import { resolveGeminiApiKey } from '../server/gemini-api-key';
import { fieldValue, isMultipart, readMultipart, type FilePartStream } from '../server/multipart-body';
import { inputFileDisplayName } from '../translate/batch/batch-display-name';
import { geminiFileSchema, geminiInputFileToOpenAI, type OpenAIFile } from '../translate/batch/gemini-file-to-openai';
import { OpenAIBatchInputTranslator, type GeminiBatchLine } from '../translate/batch/openai-batch-input-to-gemini';
import type { GeminiGenerateContentRequest } from '../translate/chat-completions/gemini-generate-schema';
import { LineSplitter, LineTooLongError } from '../util/line-splitter';
import { badResponse } from './gemini-call';
import { ModelCapabilitiesSource } from './model-capabilities-source';
import { abortOnClientClose, describeRequest, reportIgnoredParams } from './request-context';
import { ResponsesState } from './responses-state';

/** Longest line and file accepted; files up to `copyBytes` are also kept whole for the response store (0: none). */
interface Limits {
  maxLineChars: number;
  maxFileBytes: number;
  copyBytes: number;
}

/** The translated input on disk, and what the upload said about it. */
interface Spooled {
  purpose: string | undefined;
  filename: string;
  /** Size of the file the client sent, and of the translated file. */
  bytes: number;
  size: number;
  /** The file as sent, when it is at most `limits.copyBytes` (for the response store); else undefined. */
  copy: Buffer | undefined;
  translator: OpenAIBatchInputTranslator;
}

/**
 * `POST /v1/files` (multipart, `purpose=batch`): each JSONL line is translated as it arrives, with the live endpoints'
 * translators, into a spool file on local disk; the spool then goes to Gemini with the resumable upload and is
 * deleted. The spool exists because Gemini takes the display name (which carries the model and endpoint the lines
 * named) before the bytes; memory holds one line and one 8 MiB upload chunk.
 */
export function batchUploadHandler(deps: AppDeps, state = new ResponsesState(deps)): RequestHandler {
  const capabilities = new ModelCapabilitiesSource(deps);
  return async (req, res) => {
    const apiKey = resolveGeminiApiKey(req.headers, deps.gemini.hasServerKeys);
    const api = geminiBatchApi(deps.gemini);
    if (!isMultipart(req)) {
      throw new InvalidRequestError("Upload the file as multipart/form-data with the fields 'file' and 'purpose'.", null, 'invalid_content_type');
    }
    const signal = abortOnClientClose(req, res, deps.lifecycle.forceStop.signal);
    const translator = new OpenAIBatchInputTranslator({
      aliases: deps.config.models.aliases,
      translateOptions: (model) => ({ remoteUrls: deps.config.media.remoteUrls, capabilities: capabilities.resolve(model, apiKey) }),
    });
    const directory = await mkdtemp(join(deps.config.batch.spoolDir ?? tmpdir(), 'ogs-batch-'));
    let file: OpenAIFile | undefined;
    try {
      const path = join(directory, 'input.jsonl');
      const spooled = await spoolUpload(req, res, path, translator, async (line) => {
        if (deps.config.media.remoteUrls === 'fetch' && 'contents' in line.request) {
          await inlineRemoteMedia(line.request as GeminiGenerateContentRequest, deps.config.media, signal);
        }
      }, {
        maxLineChars: deps.config.server.bodyLimitBytes,
        maxFileBytes: deps.config.batch.maxFileBytes,
        // The entry also holds its JSON envelope and the content as a JSON string (escapes), so keep a margin.
        copyBytes: deps.responseStore ? Math.floor(deps.config.store.maxEntryBytes / 2) : 0,
      });
      if (spooled.purpose !== 'batch') {
        throw new InvalidRequestError(`purpose '${spooled.purpose ?? ''}' is not supported: this sidecar stores files for the Batch API only (purpose 'batch').`, 'purpose', 'unsupported_purpose');
      }
      const facts = translator.facts();
      const displayName = inputFileDisplayName({ ...facts, filename: spooled.filename, bytes: spooled.bytes });
      if (displayName === undefined) throw new InvalidRequestError('The model name is too long to record with the file.', 'file', 'invalid_value');
      reportIgnoredParams(deps, res, facts.geminiModel, [...translator.unknownKeys], [...translator.warnings]);
      describeRequest(res, { model: facts.model });
      const uploaded = geminiFileSchema.safeParse(await api.upload(path, spooled.size, displayName, { apiKey, signal }));
      file = uploaded.success ? geminiInputFileToOpenAI(uploaded.data) : undefined;
      if (!file) throw badResponse();
      deps.logger.info({ file: uploaded.data?.name, lines: facts.lines, invalidLines: facts.invalid, model: facts.model }, 'batch input uploaded');
      if (deps.responseStore && spooled.copy) await keepCopy(deps, state.tenantOf(req.headers), file.id, spooled.copy, res);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    res.json(file);
  };
}

/**
 * Gemini does not serve uploaded files back: a copy of a small input goes to the response store, so
 * `GET /v1/files/{id}/content` can answer it; a failure to store it is logged and said in a header, never a failed upload.
 */
async function keepCopy(deps: AppDeps, tenant: string, id: string, copy: Buffer, res: Response): Promise<void> {
  try {
    await deps.responseStore!.put(tenant, { id, input: [], response: { content: copy.toString('utf8') } });
  } catch (error) {
    deps.logger.warn({ err: error, file: id }, 'batch input copy not stored');
    res.setHeader('x-sidecar-file-copy', 'not-stored');
  }
}

/**
 * Reads the multipart body with the shared reader (server/multipart-body.ts): the `file` part is translated line by
 * line into `path` as it arrives; on a refused line the rest of the upload is drained first, then the 400 is answered.
 */
async function spoolUpload(
  req: Request,
  res: Response,
  path: string,
  translator: OpenAIBatchInputTranslator,
  beforeWrite: (line: GeminiBatchLine) => Promise<void>,
  limits: Limits,
): Promise<Spooled> {
  let spooled: Omit<Spooled, 'purpose' | 'translator'> | undefined;
  const body = await readMultipart(req, res, {
    maxFiles: 1,
    maxFields: 8,
    maxFileBytes: limits.maxFileBytes,
    onFile: (part, stream) => {
      if (part.field !== 'file') return undefined;
      return translateStream(stream, part.filename || 'input.jsonl', path, translator, beforeWrite, limits).then((file) => {
        spooled = file;
      });
    },
  });
  if (!spooled) throw new InvalidRequestError("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  return { ...spooled, purpose: fieldValue(body, 'purpose'), translator };
}

async function translateStream(
  stream: FilePartStream,
  filename: string,
  path: string,
  translator: OpenAIBatchInputTranslator,
  beforeWrite: (line: GeminiBatchLine) => Promise<void>,
  limits: Limits,
): Promise<Omit<Spooled, 'purpose' | 'translator'>> {
  const out = createWriteStream(path);
  const splitter = new LineSplitter(limits.maxLineChars);
  let bytes = 0;
  let size = 0;
  let copy: Buffer[] | undefined = limits.copyBytes > 0 ? [] : undefined;
  let failure: unknown;
  const write = async (lines: string[]) => {
    const first = splitter.count - lines.length + 1;
    for (const [index, text] of lines.entries()) {
      for (const line of translator.push(text, first + index)) {
        await beforeWrite(line);
        const json = `${JSON.stringify(line)}\n`;
        size += Buffer.byteLength(json);
        if (!out.write(json)) await once(out, 'drain');
      }
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (copy && bytes <= limits.copyBytes) copy.push(chunk);
      else copy = undefined;
      if (failure !== undefined) continue;
      // A refused line stops the translation but not the reading: the client gets its 400 once its upload is in.
      try {
        await write(splitter.push(chunk));
      } catch (error) {
        failure = error;
      }
    }
    if (stream.truncated) throw new PayloadTooLargeError(limits.maxFileBytes);
    if (failure !== undefined) throw failure;
    await write(splitter.end());
  } catch (error) {
    if (error instanceof LineTooLongError) {
      throw new InvalidRequestError(`Line ${error.line}: longer than the request body limit of ${error.limit} characters.`, 'file', 'line_too_large');
    }
    throw error;
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { filename, bytes, size, copy: copy && Buffer.concat(copy) };
}
