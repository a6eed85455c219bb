/**
 * The bench's Gemini double: node:http answering every model call with a precomputed body, as cheaply as possible.
 * Not the emulator (which validates and computes answers); this one only routes on the method after the last ':'.
 *
 *   :generateContent                  fixed GenerateContentResponse
 *   :streamGenerateContent            SSE, `chunks` events, `delayMs` between them (alt=sse or not: Portkey omits it)
 *   :batchEmbedContents               EMBEDDING_INPUTS vectors
 *   :embedContent                     one vector
 *   POST /v1/traces|metrics|logs      an OTLP sink (empty 200), so the sidecar's exporter has somewhere to send
 *   PUT  /__bench/stream              {"chunks":N,"delayMs":M} sets the stream shape for the next requests
 *   GET  /__bench/stats               requests counted per method
 *
 * Run: node upstream-double.js --port N [--host 127.0.0.1]. Exits when its stdin closes (the runner died).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { batchEmbedReply, embedContentReply, generateContentReply, streamReplyEvents } from './payloads';

interface StreamShape {
  chunks: number;
  delayMs: number;
  events: Buffer[];
}

const JSON_HEADERS = (body: Buffer): [string, string][] => [
  ['content-type', 'application/json; charset=UTF-8'],
  ['content-length', String(body.length)],
];
const SSE_HEADERS: [string, string][] = [
  ['content-type', 'text/event-stream'],
  ['cache-control', 'no-cache'],
];
const EMPTY = Buffer.alloc(0);

function shape(chunks: number, delayMs: number): StreamShape {
  return { chunks, delayMs, events: streamReplyEvents(chunks).map((event) => Buffer.from(event)) };
}

function jsonReply(value: unknown): { body: Buffer; headers: [string, string][] } {
  const body = Buffer.from(JSON.stringify(value));
  return { body, headers: JSON_HEADERS(body) };
}

const replies = {
  generateContent: jsonReply(generateContentReply()),
  batchEmbedContents: jsonReply(batchEmbedReply()),
  embedContent: jsonReply(embedContentReply()),
};
const stats: Record<string, number> = {};
let stream = shape(10, 0);

function count(method: string): void {
  stats[method] = (stats[method] ?? 0) + 1;
}

function sendJson(response: ServerResponse, reply: { body: Buffer; headers: [string, string][] }): void {
  response.writeHead(200, reply.headers);
  response.end(reply.body);
}

function sendStream(response: ServerResponse): void {
  const { events, delayMs } = stream;
  response.writeHead(200, SSE_HEADERS);
  if (delayMs <= 0) {
    for (const event of events) response.write(event);
    response.end();
    return;
  }
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = (): void => {
    const event = events[index];
    index += 1;
    if (event === undefined) {
      response.end();
      return;
    }
    response.write(event);
    timer = setTimeout(next, delayMs);
  };
  response.once('close', () => clearTimeout(timer));
  next();
}

function readBody(request: IncomingMessage, then: (body: Buffer) => void): void {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.once('end', () => then(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)));
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const colon = path.lastIndexOf(':');
  const method = colon === -1 ? path : path.slice(colon + 1);
  // Model calls: drain the body without keeping it, then answer.
  if (request.method === 'POST' && colon !== -1) {
    request.on('data', () => undefined);
    request.once('end', () => {
      count(method);
      if (method === 'generateContent') sendJson(response, replies.generateContent);
      else if (method === 'streamGenerateContent') sendStream(response);
      else if (method === 'batchEmbedContents') sendJson(response, replies.batchEmbedContents);
      else if (method === 'embedContent') sendJson(response, replies.embedContent);
      else {
        response.writeHead(404, JSON_HEADERS(EMPTY));
        response.end();
      }
    });
    return;
  }
  if (request.method === 'POST' && path.startsWith('/v1/')) {
    request.on('data', () => undefined);
    request.once('end', () => {
      count(`otlp${path.slice(3)}`);
      response.writeHead(200, [['content-type', request.headers['content-type'] ?? 'application/x-protobuf'], ['content-length', '0']]);
      response.end();
    });
    return;
  }
  if (request.method === 'PUT' && path === '/__bench/stream') {
    readBody(request, (body) => {
      const wanted = JSON.parse(body.toString('utf8')) as { chunks?: number; delayMs?: number };
      stream = shape(wanted.chunks ?? 10, wanted.delayMs ?? 0);
      sendJson(response, jsonReply({ chunks: stream.chunks, delayMs: stream.delayMs }));
    });
    return;
  }
  request.resume();
  if (request.method === 'GET' && path === '/__bench/stats') return sendJson(response, jsonReply(stats));
  response.writeHead(200, JSON_HEADERS(EMPTY));
  response.end();
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 66_000 }, answer);
  server.listen({ port: Number(values.port ?? 0), host: values.host ?? '127.0.0.1', backlog: 4096 }, () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

main();
