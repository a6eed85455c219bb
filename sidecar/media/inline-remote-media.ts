import { Agent, request, type Dispatcher } from 'undici';
import { ClientClosedError, InvalidRequestError, SidecarError } from '../errors/sidecar-error';
import type { GeminiGenerateContentRequest } from '../translate/chat-completions/gemini-generate-schema';
import { mimeTypeFromUrl } from '../translate/chat-completions/openai-content-to-gemini';
import { BlockedAddressError, blockedHostReason, createGuardedLookup } from './ssrf-guard';

/** The `media` config slice the edge needs. */
export interface RemoteMediaOptions {
  allowPrivateNetworks: boolean;
  maxBytes: number;
  /** Budget per URL, redirects included; also the connect, headers and idle-body timeout of each hop. */
  timeoutMs: number;
}

/** A part (or functionResponse part) that may carry `fileData`; it gets `inlineData` instead once fetched. */
interface MediaHolder {
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
}

const CONCURRENCY = 4;
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Content types that say nothing about the bytes, so the URL extension decides. */
const GENERIC_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/unknown',
]);
/** Hosts Gemini reads itself: Files API files and YouTube videos (https://ai.google.dev/gemini-api/docs/video-understanding#youtube). */
const GEMINI_NATIVE_HOSTS: ReadonlySet<string> = new Set([
  'generativelanguage.googleapis.com',
  'www.youtube.com',
  'youtube.com',
  'm.youtube.com',
  'youtu.be',
]);
const TIMEOUT_CODES: ReadonlySet<unknown> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const REQUEST_HEADERS = { accept: 'image/*, audio/*, video/*, application/pdf, text/*;q=0.5, */*;q=0.1', 'user-agent': 'openai-gemini-sidecar' };

/**
 * Replaces every http(s) fileData part (user turns and functionResponse.parts) with inlineData holding the downloaded
 * bytes; Files-API and YouTube URIs are left alone. Mutates the given request in place; fetches at most 4 URLs at a time,
 * each URL once; the first failure cancels the rest. Errors are 400s (it is the client's URL), or ClientClosedError.
 */
export async function inlineRemoteMedia(
  request: GeminiGenerateContentRequest,
  options: RemoteMediaOptions,
  signal?: AbortSignal,
): Promise<void> {
  const byUri = remoteMediaHolders(request);
  if (byUri.size === 0) return;
  const batch = new AbortController();
  const onClientAbort = () => batch.abort(signal?.reason);
  signal?.addEventListener('abort', onClientAbort, { once: true });
  if (signal?.aborted) batch.abort(signal.reason);
  // One agent per request: the SSRF policy lives in its connector, and destroying it leaves no sockets behind.
  const dispatcher = new Agent({
    connect: { timeout: options.timeoutMs, lookup: createGuardedLookup(options.allowPrivateNetworks) },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const queue = [...byUri];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined && failure === undefined; next = queue.shift()) {
      const [uri, holders] = next;
      try {
        const inlineData = await fetchRemoteMedia(uri, holders[0]?.fileData?.mimeType, options, dispatcher, batch.signal);
        for (const holder of holders) {
          delete holder.fileData;
          holder.inlineData = inlineData;
        }
      } catch (error) {
        failure ??= { error };
        batch.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onClientAbort);
    await dispatcher.destroy();
  }
  if (signal?.aborted) throw new ClientClosedError();
  if (failure !== undefined) throw failure.error;
}

/** http(s) `fileData` holders grouped by URI, in request order. */
function remoteMediaHolders(request: GeminiGenerateContentRequest): Map<string, MediaHolder[]> {
  const byUri = new Map<string, MediaHolder[]>();
  const visit = (holder: MediaHolder) => {
    const uri = holder.fileData?.fileUri;
    if (uri === undefined || !isFetchable(uri)) return;
    byUri.set(uri, [...(byUri.get(uri) ?? []), holder]);
  };
  for (const content of request.contents) {
    for (const part of content.parts) {
      visit(part);
      part.functionResponse?.parts?.forEach(visit);
    }
  }
  return byUri;
}

function isFetchable(uri: string): boolean {
  if (!/^https?:\/\//i.test(uri) || !URL.canParse(uri)) return false;
  return !GEMINI_NATIVE_HOSTS.has(new URL(uri).hostname);
}

/** GETs one URL, following up to 3 redirects by hand so each hop passes the SSRF checks; returns its bytes as base64. */
async function fetchRemoteMedia(
  uri: string,
  declaredMimeType: string | undefined,
  options: RemoteMediaOptions,
  dispatcher: Dispatcher,
  batchSignal: AbortSignal,
): Promise<{ mimeType: string; data: string }> {
  const original = new URL(uri);
  const label = displayUrl(original);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([timeout, batchSignal]);
  let url = original;
  try {
    for (let redirects = 0; ; redirects++) {
      assertAllowedUrl(url, redirects === 0 ? label : `${label} (redirected to ${displayUrl(url)})`, options.allowPrivateNetworks);
      const response = await request(url, { method: 'GET', dispatcher, signal, headers: REQUEST_HEADERS });
      const location = header(response.headers, 'location');
      if (REDIRECT_STATUSES.has(response.statusCode) && location !== undefined) {
        await response.body.dump();
        if (redirects === MAX_REDIRECTS) throw fetchFailed(`${label} redirected more than ${MAX_REDIRECTS} times.`);
        if (!URL.canParse(location, url.href)) throw fetchFailed(`${label} redirected to an invalid location.`);
        url = new URL(location, url);
        continue;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        throw fetchFailed(`Fetching ${label} failed: the server answered HTTP ${response.statusCode}.`);
      }
      const bytes = await readLimited(response.body, Number(header(response.headers, 'content-length')), options.maxBytes, label);
      const mimeType =
        mediaType(header(response.headers, 'content-type')) ?? declaredMimeType ?? mimeTypeFromUrl(url.pathname) ?? mimeTypeFromUrl(uri);
      if (mimeType === undefined) {
        const message = `Cannot tell the media type of ${label}: no specific Content-Type and no known file extension.`;
        throw new InvalidRequestError(message, 'messages', 'invalid_image_url');
      }
      return { mimeType, data: bytes.toString('base64') };
    }
  } catch (error) {
    throw toSidecarError(error, label, timeout);
  }
}

function assertAllowedUrl(url: URL, target: string, allowPrivateNetworks: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError(`Refusing to fetch ${target}: only http and https URLs are fetched.`, 'messages', 'invalid_image_url');
  }
  const reason = blockedHostReason(url.hostname, allowPrivateNetworks);
  if (reason !== undefined) throw blockedError(target, reason);
}

async function readLimited(body: Dispatcher.ResponseData['body'], contentLength: number, maxBytes: number, label: string): Promise<Buffer> {
  const tooLarge = () => new InvalidRequestError(`${label} is larger than the media limit of ${maxBytes} bytes.`, 'messages', 'image_too_large');
  if (contentLength > maxBytes) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  if (size === 0) throw fetchFailed(`${label} returned an empty body.`);
  return Buffer.concat(chunks, size);
}

function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && /^[\w.+-]+\/[\w.+-]+$/.test(type) && !GENERIC_CONTENT_TYPES.has(type) ? type : undefined;
}

function toSidecarError(error: unknown, label: string, timeout: AbortSignal): Error {
  if (error instanceof SidecarError) return error;
  const blocked = findBlocked(error);
  if (blocked !== undefined) return blockedError(label, blocked.reason);
  if (timeout.aborted || TIMEOUT_CODES.has((error as { code?: unknown } | null)?.code)) {
    return new InvalidRequestError(`Fetching ${label} timed out.`, 'messages', 'image_fetch_timeout');
  }
  const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '.';
  return fetchFailed(`Fetching ${label} failed${detail}`);
}

/** Node may wrap the lookup error (AggregateError from happy eyeballs, `cause` from undici). */
function findBlocked(error: unknown, depth = 0): BlockedAddressError | undefined {
  if (error instanceof BlockedAddressError) return error;
  if (!(error instanceof Error) || depth > 3) return undefined;
  const nested = error instanceof AggregateError ? [...error.errors, error.cause] : [error.cause];
  return nested.map((inner) => findBlocked(inner, depth + 1)).find((found) => found !== undefined);
}

function blockedError(target: string, reason: string): InvalidRequestError {
  const hint = reason === 'cloud metadata' ? '' : ' Set media.allowPrivateNetworks to allow it.';
  return new InvalidRequestError(`Refusing to fetch ${target}: the host is a ${reason} address.${hint}`, 'messages', 'invalid_image_url');
}

function fetchFailed(message: string): InvalidRequestError {
  return new InvalidRequestError(message, 'messages', 'image_fetch_failed');
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The URL without credentials, query or fragment, which may carry signatures or tokens. */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
