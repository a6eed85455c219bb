import type { Readable } from 'node:stream';
import { SidecarError, UpstreamUnreachableError } from '../errors/sidecar-error';
import { SseDecoder, type SseItem } from '../streaming/sse-decoder';
import type { ActiveCall } from './active-call';
import { geminiErrorToSidecarError, parseGeminiErrorBody } from './gemini-error';
import { transportError, type TimeoutLimits } from './transport-error';

/** How much of an error body is read; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** One SSE item → the Gemini chunks in it (an array body holds several); an `{error}` item throws it, keys redacted. */
export function* itemToChunks(item: SseItem, keys: ReadonlySet<string>): Generator<unknown> {
  const text = item.kind === 'data' ? item.data : item.text;
  const value = parseJson(text, 'Gemini sent a stream event that is not JSON.');
  for (const chunk of Array.isArray(value) ? value : [value]) {
    // Only an object with an `error` key can be one; a failed schema parse per ordinary chunk costs an error object.
    const errorBody = typeof chunk === 'object' && chunk !== null && 'error' in chunk ? parseGeminiErrorBody(chunk) : undefined;
    if (errorBody) throw redactKeys(geminiErrorToSidecarError(errorBody.error.code ?? 500, errorBody), keys);
    yield chunk;
  }
}

/** JSON.parse that fails as a 502 `upstream_bad_response`. */
export function parseJson(text: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamUnreachableError(message, 'upstream_bad_response');
  }
}

/** Reads at most `limit` bytes of an error body (the rest is dropped). */
export async function readBounded(body: Readable, limit: number): Promise<string> {
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

/** Gemini error messages are relayed verbatim; make sure none of them can echo a key back. */
export function redactKeys<T extends SidecarError>(error: T, keys: ReadonlySet<string>): T {
  let message = error.message;
  for (const key of keys) if (key.length >= 4 && message.includes(key)) message = message.split(key).join('[redacted]');
  if (message !== error.message) Object.defineProperty(error, 'message', { value: message });
  return error;
}

/** A JSON answer; a transport failure while reading it becomes the call's timeout/abort/unreachable error. */
export async function readJson(response: { body: { text(): Promise<string> } }, active: ActiveCall, limits: TimeoutLimits): Promise<unknown> {
  try {
    return parseJson(await response.body.text(), 'Gemini answered with a body that is not JSON.');
  } catch (error) {
    throw transportError(error, active, limits);
  }
}

/** A non-2xx answer as the sidecar error it maps to (Retry-After kept, keys redacted). */
export async function errorFromResponse(
  response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: Readable },
  active: ActiveCall,
  limits: TimeoutLimits,
): Promise<Error> {
  let text: string;
  try {
    text = await readBounded(response.body, MAX_ERROR_BODY_BYTES);
  } catch (error) {
    return transportError(error, active, limits);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const retryAfter = response.headers['retry-after'];
  const error = geminiErrorToSidecarError(response.statusCode, parseGeminiErrorBody(parsed), Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  return redactKeys(error, active.usedKeys);
}

/** A body's bytes as they arrive; the call ends with the body. */
export async function* bodyBytes(body: Readable, active: ActiveCall, limits: TimeoutLimits): AsyncGenerator<Buffer> {
  try {
    for await (const part of body as AsyncIterable<Buffer>) yield part;
  } catch (error) {
    throw transportError(error, active, limits);
  } finally {
    body.destroy();
    active.end();
  }
}

/** A streamed (SSE) body's Gemini chunks; the call ends with the body. */
export async function* bodyChunks(body: Readable, active: ActiveCall, limits: TimeoutLimits, maxEventBytes: number): AsyncGenerator<unknown> {
  const decoder = new SseDecoder(maxEventBytes);
  body.setEncoding('utf8');
  try {
    for await (const text of body as AsyncIterable<string>) {
      for (const item of decoder.push(text)) yield* itemToChunks(item, active.usedKeys);
    }
    for (const item of decoder.end()) yield* itemToChunks(item, active.usedKeys);
  } catch (error) {
    throw transportError(error, active, limits);
  } finally {
    body.destroy();
    active.end();
  }
}
