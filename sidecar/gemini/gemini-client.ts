import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import {
  ClientClosedError,
  SidecarError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from '../errors/sidecar-error';
import { SseDecoder, SseEventTooLargeError, type SseItem } from '../streaming/sse-decoder';
import { attemptOutcome } from '../observability/error-type';
import { geminiErrorToSidecarError, parseGeminiErrorBody } from './gemini-error';

/** Connection and timeout settings of the upstream client (a slice of the sidecar config). */
export interface GeminiClientOptions {
  baseUrl: string;
  apiVersion: string;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  maxEventBytes: number;
  /** Called once per HTTP attempt with its outcome label (ok, 4xx, 429, 5xx, timeout, network, cancelled). */
  onAttempt?: (outcome: string) => void;
}

/** Per-call credentials and cancellation. */
export interface GeminiCallOptions {
  apiKey: string;
  signal?: AbortSignal;
}

const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** The only code that talks to Gemini: one keep-alive undici pool, key in `x-goog-api-key`, never in the URL. */
export class GeminiClient {
  private readonly dispatcher: Agent;
  private readonly root: string;

  constructor(private readonly options: GeminiClientOptions) {
    this.root = `${options.baseUrl.replace(/\/+$/, '')}/${options.apiVersion}`;
    this.dispatcher = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** `POST models/{model}:generateContent` → the parsed JSON body. */
  generateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<unknown> {
    return this.callModel(model, 'generateContent', body, call);
  }

  /** `POST models/{model}:{method}` (embedContent, batchEmbedContents, predict ...) → the parsed JSON body. */
  async callModel(model: string, method: string, body: unknown, call: GeminiCallOptions): Promise<unknown> {
    return this.readJson(await this.send('POST', `models/${model}:${method}`, call, body), call);
  }

  /** `GET {path}` under the API version (e.g. `models?pageSize=1000`) → the parsed JSON body. */
  async getJson(path: string, call: GeminiCallOptions): Promise<unknown> {
    return this.readJson(await this.send('GET', path, call), call);
  }

  /** `POST models/{model}:streamGenerateContent?alt=sse`; resolves once headers say 200, then yields each chunk. */
  async streamGenerateContent(model: string, body: unknown, call: GeminiCallOptions): Promise<AsyncGenerator<unknown>> {
    const response = await this.send('POST', `models/${model}:streamGenerateContent?alt=sse`, call, body);
    return this.chunks(response.body, call);
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(method: 'GET' | 'POST', path: string, call: GeminiCallOptions, body?: unknown) {
    let response;
    try {
      response = await request(`${this.root}/${path}`, {
        method,
        dispatcher: this.dispatcher,
        headers:
          body === undefined
            ? { 'x-goog-api-key': call.apiKey }
            : { 'content-type': 'application/json', 'x-goog-api-key': call.apiKey },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: call.signal,
      });
    } catch (error) {
      const mapped = this.transportError(error, call.signal);
      this.options.onAttempt?.(attemptOutcome(undefined, mapped));
      throw mapped;
    }
    this.options.onAttempt?.(attemptOutcome(response.statusCode));
    if (response.statusCode !== 200) throw await this.errorFromResponse(response, call);
    return response;
  }

  private async readJson(response: { body: { text(): Promise<string> } }, call: GeminiCallOptions): Promise<unknown> {
    try {
      const text = await response.body.text();
      return parseJson(text, 'Gemini answered with a body that is not JSON.');
    } catch (error) {
      throw this.transportError(error, call.signal);
    }
  }

  private async errorFromResponse(
    response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: Readable & { text(): Promise<string> } },
    call: GeminiCallOptions,
  ): Promise<Error> {
    let text: string;
    try {
      text = await readBounded(response.body, MAX_ERROR_BODY_BYTES);
    } catch (error) {
      return this.transportError(error, call.signal);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const retryAfter = response.headers['retry-after'];
    const error = geminiErrorToSidecarError(
      response.statusCode,
      parseGeminiErrorBody(parsed),
      Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    );
    return redactKey(error, call.apiKey);
  }

  private async *chunks(body: Readable, call: GeminiCallOptions): AsyncGenerator<unknown> {
    const decoder = new SseDecoder(this.options.maxEventBytes);
    body.setEncoding('utf8');
    try {
      for await (const text of body as AsyncIterable<string>) {
        for (const item of decoder.push(text)) yield* itemToChunks(item, call.apiKey);
      }
      for (const item of decoder.end()) yield* itemToChunks(item, call.apiKey);
    } catch (error) {
      throw this.transportError(error, call.signal);
    } finally {
      body.destroy();
    }
  }

  private transportError(error: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return new ClientClosedError();
    if (error instanceof SidecarError || error instanceof ClientClosedError) return error;
    if (error instanceof SseEventTooLargeError) return new UpstreamUnreachableError(error.message, 'upstream_bad_response');
    const code = (error as { code?: string }).code ?? 'UNKNOWN';
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new UpstreamTimeoutError(`Timed out connecting to Gemini after ${this.options.connectTimeoutMs} ms.`, error);
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new UpstreamTimeoutError(`Gemini did not answer within ${this.options.firstByteTimeoutMs} ms.`, error);
      case 'UND_ERR_BODY_TIMEOUT':
        return new UpstreamTimeoutError(`Gemini sent nothing for ${this.options.idleTimeoutMs} ms mid-response.`, error);
      default:
        return new UpstreamUnreachableError(`Could not complete the call to Gemini (${code}).`, 'upstream_unreachable', error);
    }
  }
}

function* itemToChunks(item: SseItem, apiKey: string): Generator<unknown> {
  const text = item.kind === 'data' ? item.data : item.text;
  const value = parseJson(text, 'Gemini sent a stream event that is not JSON.');
  for (const chunk of Array.isArray(value) ? value : [value]) {
    const errorBody = parseGeminiErrorBody(chunk);
    if (errorBody) throw redactKey(geminiErrorToSidecarError(errorBody.error.code ?? 500, errorBody), apiKey);
    yield chunk;
  }
}

function parseJson(text: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamUnreachableError(message, 'upstream_bad_response');
  }
}

async function readBounded(body: Readable, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) {
      body.destroy();
      break;
    }
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Gemini error messages are relayed verbatim; make sure none of them can echo the key back. */
function redactKey<T extends SidecarError>(error: T, apiKey: string): T {
  if (apiKey.length >= 4 && error.message.includes(apiKey)) {
    Object.defineProperty(error, 'message', { value: error.message.split(apiKey).join('[redacted]') });
  }
  return error;
}
