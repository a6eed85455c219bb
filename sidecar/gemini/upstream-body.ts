import type { Readable } from 'node:stream';
import { SidecarError, UpstreamUnreachableError } from '../errors/sidecar-error';
import type { SseItem } from '../streaming/sse-decoder';
import { geminiErrorToSidecarError, parseGeminiErrorBody } from './gemini-error';

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
