import type { ServerResponse } from 'node:http';
import type { EmulatorScript } from './emulator-types';
import { googleCompactJson, googlePrettyJson } from './google-json';

/** The response being written plus a sleep that is cancelled when the emulator closes. */
export interface WriteContext {
  response: ServerResponse;
  sleep: (ms: number) => Promise<void>;
}

/** Options for one SSE answer. */
export interface SseOptions {
  status?: number;
  chunks: unknown[];
  intervalMs?: number;
  framing?: 'crlf' | 'lf';
  cutAfter?: number;
  trailer?: string;
}

type HeaderMap = Record<string, string | number | readonly string[]>;

// Google sends `vary` three times; setHeader with an array writes repeated header lines.
const GOOGLE_COMMON_HEADERS: HeaderMap = {
  vary: ['Origin', 'X-Origin', 'Referer'],
  'x-content-type-options': 'nosniff',
  'server-timing': 'gfet4t7; dur=42',
};

/** Headers of a unary Google JSON answer. */
export const GOOGLE_JSON_HEADERS: HeaderMap = {
  'content-type': 'application/json; charset=UTF-8',
  ...GOOGLE_COMMON_HEADERS,
};

/** Headers of a Google `?alt=sse` answer. */
export const GOOGLE_SSE_HEADERS: HeaderMap = {
  'content-type': 'text/event-stream',
  'content-disposition': 'attachment',
  ...GOOGLE_COMMON_HEADERS,
};

function writeHead(response: ServerResponse, status: number, headers: HeaderMap): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.writeHead(status);
}

function isGone(response: ServerResponse): boolean {
  return response.destroyed || response.socket === null || response.socket.destroyed;
}

/** Writes data and resolves once it is flushed to the socket (or the socket is gone). */
function writeFlushed(response: ServerResponse, data: string | Buffer): Promise<void> {
  if (isGone(response)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('close', done);
      resolve();
    };
    response.once('close', done);
    response.write(data, done);
  });
}

/** Writes a unary JSON answer: objects pretty-printed as Google does, strings verbatim. */
export async function writeJson(
  context: WriteContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  delayMs = 0,
): Promise<void> {
  await context.sleep(delayMs);
  const text = typeof body === 'string' ? body : googlePrettyJson(body);
  if (isGone(context.response)) return;
  writeHead(context.response, status, { ...GOOGLE_JSON_HEADERS, 'content-length': Buffer.byteLength(text), ...headers });
  context.response.end(text);
}

/** Writes an SSE answer: `data: <payload>` + framing per chunk, optional cut or raw trailer. */
export async function writeSse(context: WriteContext, options: SseOptions): Promise<void> {
  const { response } = context;
  const separator = options.framing === 'lf' ? '\n\n' : '\r\n\r\n';
  writeHead(response, options.status ?? 200, GOOGLE_SSE_HEADERS);
  response.flushHeaders();
  for (const [index, chunk] of options.chunks.entries()) {
    if (options.cutAfter !== undefined && index >= options.cutAfter) break;
    if (index > 0) await context.sleep(options.intervalMs ?? 0);
    if (isGone(response)) return;
    const payload = typeof chunk === 'string' ? chunk : googleCompactJson(chunk);
    await writeFlushed(response, `data: ${payload}${separator}`);
  }
  const cut = options.cutAfter !== undefined;
  if (options.trailer !== undefined && (!cut || (options.cutAfter ?? 0) >= options.chunks.length)) {
    await writeFlushed(response, options.trailer);
  }
  if (cut) response.socket?.destroy();
  else response.end();
}

function splitBuffer(body: Buffer, offsets: number[]): Buffer[] {
  const cuts = [...new Set(offsets)].filter((offset) => offset > 0 && offset < body.length).sort((a, b) => a - b);
  return [0, ...cuts].map((start, index) => body.subarray(start, cuts[index] ?? body.length));
}

/** Runs one queued script against the response. */
export async function runScript(context: WriteContext, script: EmulatorScript): Promise<void> {
  const { response } = context;
  switch (script.kind) {
    case 'json':
      return writeJson(context, script.status ?? 200, script.body, script.headers, script.delayMs);
    case 'sse':
      return writeSse(context, script);
    case 'raw': {
      writeHead(response, script.status, script.headers ?? {});
      const pieces = splitBuffer(Buffer.from(script.body), script.splitAt ?? []);
      // Without a pause the pieces coalesce into one TCP read, which defeats the split.
      const intervalMs = script.intervalMs ?? (pieces.length > 1 ? 5 : 0);
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) await context.sleep(intervalMs);
        if (isGone(response)) return;
        await writeFlushed(response, piece);
      }
      response.end();
      return;
    }
    case 'hang':
      return;
    case 'reset':
      response.socket?.destroy();
      return;
  }
}
