import { z } from 'zod';
import type { OpenAIErrorBody } from '../../errors/render-openai-error';
import { geminiGenerateContentResponseSchema } from '../chat-completions/gemini-generate-schema';
import { geminiResponseToOpenAI } from '../chat-completions/gemini-response-to-openai';
import { geminiEmbeddingsToOpenAI } from '../embeddings/gemini-embeddings-to-openai';
import type { OpenAIResponsesRequest } from '../responses/openai-responses-schema';
import { geminiResponseToResponses } from '../responses/gemini-response-to-responses';
import { echoSettings, responseObject } from '../responses/response-object';
import { ItemIds } from '../responses/responses-output';
import type { BatchInputFacts } from './batch-display-name';
import { decodeLineKey, type LineKey } from './batch-line-key';

/** A Gemini per-line error (google.rpc.Status). */
export interface GeminiLineError {
  code?: number | null;
  message?: string | null;
  status?: string | null;
}

/** One line of the OpenAI output or error file. */
export interface OpenAIBatchOutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

/** A translated line and which OpenAI file it belongs to. */
export interface TranslatedLine {
  file: 'output' | 'error';
  line: OpenAIBatchOutputLine;
}

/** What the output translation needs besides the lines. */
export interface BatchOutputContext {
  facts: BatchInputFacts;
  /** Unique per batch; ids of lines and responses are derived from it. */
  batchKey: string;
  /** Unix seconds, the `created` of every body. */
  created: number;
  /** Gemini's error for a line → the status and body the live endpoint answers for it. */
  renderError: (error: GeminiLineError) => { status: number; body: OpenAIErrorBody };
}

const geminiOutputLineSchema = z.looseObject({
  key: z.string().nullish(),
  response: z.unknown().optional(),
  error: z.looseObject({ code: z.number().nullish(), message: z.string().nullish(), status: z.string().nullish() }).nullish(),
});

const embedResponseSchema = z.looseObject({ embedding: z.looseObject({ values: z.array(z.number()) }) });

interface EmbeddingGroup {
  key: LineKey;
  vectors: Array<number[] | undefined>;
  received: number;
  /** Gemini reports no token counts for embeddings: the live endpoint's estimate, a token per four characters. */
  tokens: number;
  failure?: { status: number; body: OpenAIErrorBody };
}

/**
 * Gemini batch results (JSONL `{key, response|error}`, read line by line) → OpenAI batch output lines whose bodies are
 * what the live endpoint answers. Gemini writes results in input order, so an embeddings line's inputs arrive
 * together and only one group is held at a time; groups cut short are reported by finish().
 */
export class GeminiBatchOutputTranslator {
  private sequence = 0;
  private readonly groups = new Map<string, EmbeddingGroup>();
  /** Result lines that named no line of this batch (not JSON, or a key the sidecar did not write), for a warning. */
  unattributed = 0;

  constructor(private readonly context: BatchOutputContext) {}

  /** One Gemini result line → zero or more OpenAI lines. */
  push(text: string): TranslatedLine[] {
    if (text.trim() === '') return [];
    let raw: unknown;
    try {
      raw = JSON.parse(text) as unknown;
    } catch {
      this.unattributed += 1;
      return [];
    }
    const parsed = geminiOutputLineSchema.safeParse(raw);
    const key = parsed.success ? decodeLineKey(parsed.data.key) : undefined;
    if (!parsed.success || !key) {
      this.unattributed += 1;
      return [];
    }
    if (key.err) return [this.failed(key.id, { status: key.err.status, body: { error: { message: key.err.message, type: key.err.type, param: key.err.param, code: key.err.code } } })];
    const failure = parsed.data.error ? this.context.renderError(parsed.data.error) : undefined;
    if (this.context.facts.endpoint === '/v1/embeddings') return this.embedding(key, parsed.data.response, failure);
    if (failure) return [this.failed(key.id, failure)];
    const response = geminiGenerateContentResponseSchema.safeParse(parsed.data.response);
    if (!response.success) return [this.failed(key.id, badResponse())];
    const sequence = this.next();
    const requestId = response.data.responseId ?? `req_${this.context.batchKey}${sequence}`;
    const body = this.context.facts.endpoint === '/v1/responses' ? this.responsesBody(key, response.data, sequence) : this.chatBody(response.data, sequence);
    return [{ file: 'output', line: { id: this.lineId(sequence), custom_id: key.id, response: { status_code: 200, request_id: requestId, body }, error: null } }];
  }

  /** Embedding lines whose inputs did not all come back: each an error line. */
  finish(): TranslatedLine[] {
    const out = [...this.groups.values()].map((group) => this.failed(group.key.id, group.failure ?? incomplete()));
    this.groups.clear();
    return out;
  }

  private chatBody(response: z.infer<typeof geminiGenerateContentResponseSchema>, sequence: number): unknown {
    const { model, created } = { model: this.context.facts.model, created: this.context.created };
    return geminiResponseToOpenAI(response, { model, created, fallbackId: `chatcmpl-${this.context.batchKey}${sequence}` }).completion;
  }

  private responsesBody(key: LineKey, response: z.infer<typeof geminiGenerateContentResponseSchema>, sequence: number): unknown {
    const context = { id: `resp_${this.context.batchKey}${sequence.toString(16)}`, createdAt: this.context.created, model: this.context.facts.model, stored: false };
    const request = { ...key.s, model: this.context.facts.model } as OpenAIResponsesRequest;
    const answer = geminiResponseToResponses(response, new ItemIds(context.id));
    return responseObject(echoSettings(request, context), context, {
      status: answer.status,
      output: answer.output,
      usage: answer.usage,
      ending: answer,
      completedAt: this.context.created,
    });
  }

  private embedding(key: LineKey, response: unknown, failure: { status: number; body: OpenAIErrorBody } | undefined): TranslatedLine[] {
    const count = key.n ?? 1;
    const group = this.groups.get(key.id) ?? { key, vectors: new Array<number[] | undefined>(count).fill(undefined), received: 0, tokens: 0 };
    this.groups.set(key.id, group);
    const vector = embedResponseSchema.safeParse(response);
    if (failure) group.failure ??= failure;
    else if (!vector.success) group.failure ??= badResponse();
    else group.vectors[key.i ?? 0] = vector.data.embedding.values;
    group.received += 1;
    group.tokens += key.t ?? 0;
    if (group.received < count) return [];
    this.groups.delete(key.id);
    if (group.failure) return [this.failed(key.id, group.failure)];
    const sequence = this.next();
    const { response: body } = geminiEmbeddingsToOpenAI([{ embeddings: group.vectors.map((values) => ({ values: values ?? [] })), usageMetadata: { promptTokenCount: group.tokens } }], [], {
      model: this.context.facts.model,
      encodingFormat: key.f ?? 'float',
    });
    const line = { id: this.lineId(sequence), custom_id: key.id, response: { status_code: 200, request_id: `req_${this.context.batchKey}${sequence}`, body }, error: null };
    return [{ file: 'output', line }];
  }

  private failed(customId: string, failure: { status: number; body: OpenAIErrorBody }): TranslatedLine {
    const sequence = this.next();
    const response = { status_code: failure.status, request_id: `req_${this.context.batchKey}${sequence}`, body: failure.body };
    return { file: 'error', line: { id: this.lineId(sequence), custom_id: customId, response, error: null } };
  }

  private next(): number {
    this.sequence += 1;
    return this.sequence;
  }

  private lineId(sequence: number): string {
    return `batch_req_${this.context.batchKey}${sequence.toString(16).padStart(6, '0')}`;
  }
}

function badResponse(): { status: number; body: OpenAIErrorBody } {
  return { status: 502, body: { error: { message: 'Gemini answered with an unexpected response shape.', type: 'api_error', param: null, code: 'upstream_bad_response' } } };
}

function incomplete(): { status: number; body: OpenAIErrorBody } {
  return { status: 502, body: { error: { message: 'Gemini returned results for only some inputs of this line.', type: 'api_error', param: null, code: 'upstream_incomplete' } } };
}
