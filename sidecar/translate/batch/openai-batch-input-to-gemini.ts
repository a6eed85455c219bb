import { z } from 'zod';
import { InvalidRequestError, SidecarError } from '../../errors/sidecar-error';
import { openaiRequestToGemini, type TranslateOptions } from '../chat-completions/openai-request-to-gemini';
import { parseOpenAIChatRequest } from '../chat-completions/parse-openai-chat-request';
import { openAIEmbeddingsRequestSchema } from '../embeddings/openai-embeddings-schema';
import { openaiEmbeddingsToGemini } from '../embeddings/openai-embeddings-to-gemini';
import { resolveModel, withAliasDefaults, type ModelAlias } from '../model-alias';
import { parseRequestBody } from '../parse-with-param';
import { openAIResponsesRequestSchema } from '../responses/openai-responses-schema';
import { responsesRequestToGemini } from '../responses/responses-request-to-gemini';
import { BATCH_ENDPOINTS, type BatchEndpoint, type BatchInputFacts } from './batch-display-name';
import { encodeLineKey, type LineError, type LineKey } from './batch-line-key';

/** OpenAI's batch input limit: https://platform.openai.com/docs/api-reference/batch/create (50,000 requests). */
export const MAX_BATCH_REQUESTS = 50_000;

/** One line of a Gemini batch input file. */
export interface GeminiBatchLine {
  key: string;
  request: object;
}

/** Per-deployment choices: model aliases, and the translate options for a Gemini model. */
export interface BatchInputOptions {
  aliases: Readonly<Record<string, ModelAlias>>;
  translateOptions: (geminiModel: string) => TranslateOptions;
}

const LINE_FIELDS = ['custom_id', 'method', 'url', 'body'];

const inputLineSchema = z.object({
  custom_id: z.string().min(1),
  method: z.literal('POST'),
  url: z.string(),
  body: z.record(z.string(), z.unknown()),
});

/** A request that Gemini answers without cost worth counting; stands in for a line the sidecar could not translate. */
const PLACEHOLDER: Record<BatchEndpoint, object> = {
  '/v1/chat/completions': { contents: [{ role: 'user', parts: [{ text: '.' }] }], generationConfig: { maxOutputTokens: 1 } },
  '/v1/responses': { contents: [{ role: 'user', parts: [{ text: '.' }] }], generationConfig: { maxOutputTokens: 1 } },
  '/v1/embeddings': { content: { parts: [{ text: '.' }] } },
};

/** Settings a Responses object echoes (response-object.ts echoSettings), kept in the line key. */
const ECHOED = ['instructions', 'max_output_tokens', 'max_tool_calls', 'parallel_tool_calls', 'reasoning', 'service_tier', 'temperature', 'text', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'truncation', 'user', 'metadata'];

function fileError(line: number, message: string, code: string): InvalidRequestError {
  return new InvalidRequestError(`Line ${line}: ${message}`, 'file', code);
}

/**
 * OpenAI batch input, one JSONL line at a time → Gemini batch lines, with the same translators as the live endpoints.
 * What makes the whole file unusable (not JSON, not a batch line, another endpoint or model than the first line,
 * a repeated custom_id, too many requests) throws a 400 naming the line; a body the live endpoint would refuse
 * becomes a placeholder line whose key carries that refusal, reported in the batch's error file.
 */
export class OpenAIBatchInputTranslator {
  private endpoint: BatchEndpoint | undefined;
  private model: string | undefined;
  private geminiModel: string | undefined;
  private readonly ids = new Set<string>();
  private lines = 0;
  private invalid = 0;
  private requests = 0;
  /** Parameters dropped with a warning, and unknown top-level keys, across all lines. */
  readonly warnings = new Set<string>();
  readonly unknownKeys = new Set<string>();

  constructor(private readonly options: BatchInputOptions) {}

  /** One line of text (without its newline) → the Gemini lines it becomes; blank lines are skipped. */
  push(text: string, lineNumber: number): GeminiBatchLine[] {
    if (text.trim() === '') return [];
    let raw: unknown;
    try {
      raw = JSON.parse(text) as unknown;
    } catch {
      throw fileError(lineNumber, 'not valid JSON; the batch input must be JSONL, one request object per line.', 'invalid_jsonl');
    }
    const parsed = inputLineSchema.safeParse(raw);
    if (!parsed.success) {
      throw fileError(lineNumber, 'each line must be {"custom_id": string, "method": "POST", "url": endpoint, "body": object}.', 'invalid_batch_line');
    }
    const { custom_id: customId, url, body } = parsed.data;
    for (const key of Object.keys(raw as object)) if (!LINE_FIELDS.includes(key)) this.unknownKeys.add(`line.${key}`);
    if (!(BATCH_ENDPOINTS as readonly string[]).includes(url)) {
      throw fileError(lineNumber, `url '${url}' is not supported; use one of ${BATCH_ENDPOINTS.join(', ')}.`, 'unsupported_endpoint');
    }
    if (this.endpoint !== undefined && url !== this.endpoint) {
      throw fileError(lineNumber, `url '${url}' differs from the first line's '${this.endpoint}'; a batch serves one endpoint.`, 'mixed_endpoints');
    }
    this.endpoint = url as BatchEndpoint;
    if (this.ids.has(customId)) throw fileError(lineNumber, `custom_id '${customId}' is used twice; each must be unique.`, 'duplicate_custom_id');
    this.ids.add(customId);
    const model = typeof body.model === 'string' ? body.model : undefined;
    if (model !== undefined && this.model !== undefined && model !== this.model) {
      throw fileError(lineNumber, `model '${model}' differs from the first line's '${this.model}'; a batch runs one model.`, 'mixed_models');
    }
    if (model !== undefined && this.model === undefined) {
      this.model = model;
      this.geminiModel = resolveModel(model, this.options.aliases).model;
    }
    this.lines += 1;
    let out: GeminiBatchLine[];
    try {
      out = this.translate(this.endpoint, customId, body);
    } catch (error) {
      if (!(error instanceof SidecarError) || error.status >= 500) throw error;
      this.invalid += 1;
      const err: LineError = { status: error.status, type: error.type, code: error.code, param: error.param, message: error.message };
      out = [{ key: encodeLineKey({ id: customId, err }), request: PLACEHOLDER[this.endpoint] }];
    }
    this.requests += out.length;
    if (this.requests > MAX_BATCH_REQUESTS) {
      throw fileError(lineNumber, `the batch exceeds ${MAX_BATCH_REQUESTS} requests (embedding inputs count one each).`, 'too_many_requests');
    }
    return out;
  }

  /** What the file held, once every line was pushed; a 400 when no line named a model. */
  facts(): BatchInputFacts {
    if (this.endpoint === undefined || this.model === undefined || this.geminiModel === undefined) {
      throw new InvalidRequestError('The batch input holds no request with a model.', 'file', 'empty_batch');
    }
    return { endpoint: this.endpoint, model: this.model, geminiModel: this.geminiModel, lines: this.lines, invalid: this.invalid, requests: this.requests };
  }

  private translate(endpoint: BatchEndpoint, id: string, body: Record<string, unknown>): GeminiBatchLine[] {
    if (endpoint === '/v1/embeddings') return this.embeddings(id, body);
    const { stream: _stream, stream_options: _streamOptions, ...unary } = body;
    if (endpoint === '/v1/responses') return [this.responses(id, unary)];
    const parsed = parseOpenAIChatRequest(unary);
    const resolved = resolveModel(parsed.request.model, this.options.aliases);
    const request = withAliasDefaults({ ...parsed.request, model: resolved.model }, resolved.alias);
    const translated = openaiRequestToGemini(request, { ...this.options.translateOptions(resolved.model), fanOutCandidates: false });
    this.report(parsed.unknownKeys, translated.warnings);
    return [{ key: encodeLineKey({ id }), request: translated.geminiRequest }];
  }

  private embeddings(id: string, body: Record<string, unknown>): GeminiBatchLine[] {
    const parsed = parseRequestBody(openAIEmbeddingsRequestSchema, body);
    const resolved = resolveModel(parsed.request.model, this.options.aliases);
    const translated = openaiEmbeddingsToGemini(parsed.request, resolved.model, { dimensions: resolved.alias?.dimensions });
    this.report(parsed.unknownKeys, translated.warnings);
    const entries = translated.batches.flatMap((batch) => batch.requests);
    return entries.map((entry, index) => {
      const key: LineKey = { id, i: index, n: entries.length, f: translated.encodingFormat, t: Math.ceil((translated.inputs[index] ?? '').length / 4) };
      return { key: encodeLineKey(key), request: { ...entry } };
    });
  }

  private responses(id: string, body: Record<string, unknown>): GeminiBatchLine {
    const parsed = parseRequestBody(openAIResponsesRequestSchema, body);
    const request = parsed.request;
    if (request.previous_response_id != null) {
      throw new InvalidRequestError('previous_response_id needs stored conversation state, which a batch line cannot read.', 'previous_response_id', 'unsupported_parameter');
    }
    if (request.background === true) throw new InvalidRequestError('background is meaningless inside a batch.', 'background', 'unsupported_parameter');
    const resolved = resolveModel(request.model, this.options.aliases);
    const options = { ...this.options.translateOptions(resolved.model), fanOutCandidates: false };
    const translated = responsesRequestToGemini({ ...request, model: resolved.model, stream: false }, [], options);
    this.report(parsed.unknownKeys, [...translated.warnings, ...(request.store === true ? ['store'] : [])]);
    const settings = Object.fromEntries(ECHOED.filter((name) => body[name] != null).map((name) => [name, body[name]]));
    return { key: encodeLineKey({ id, s: settings }), request: translated.geminiRequest };
  }

  private report(unknownKeys: readonly string[], warnings: readonly string[]): void {
    for (const key of unknownKeys) this.unknownKeys.add(key);
    for (const warning of warnings) this.warnings.add(warning);
  }
}
