import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import fc from 'fast-check';
import { context, createContextKey } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { jsonBody, readsItself } from '@sidecar/server/json-body';

const LIMIT = 256;

/** What a parser made of one request: the body it set, or the status and body-parser error type it failed with. */
interface Outcome {
  status: number;
  type?: string;
  body?: unknown;
}

/** One app per parser; each answers with its outcome as JSON. */
function appWith(parser: RequestHandler): express.Express {
  const app = express();
  app.post('/', parser, (req, res) => void res.json({ status: 200, body: req.body ?? '<undefined>' }));
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const { status, type } = error as { status?: number; type?: string };
    res.json({ status: status ?? 500, type });
  };
  app.use(onError);
  return app;
}

let servers: Server[] = [];
let ports: { ours: number; bodyParser: number };

beforeAll(async () => {
  servers = [appWith(jsonBody(LIMIT)).listen(0, '127.0.0.1'), appWith(express.json({ limit: LIMIT, type: () => true })).listen(0, '127.0.0.1')];
  await Promise.all(servers.map((server) => once(server, 'listening')));
  ports = { ours: (servers[0]!.address() as AddressInfo).port, bodyParser: (servers[1]!.address() as AddressInfo).port };
});
afterAll(() => servers.forEach((server) => server.close()));

interface Sent {
  body: Buffer | string;
  headers?: Record<string, string>;
  /** Send without Content-Length (chunked). */
  chunked?: boolean;
}

async function send(port: number, sent: Sent): Promise<Outcome> {
  const body = typeof sent.body === 'string' ? Buffer.from(sent.body) : sent.body;
  const headers: Record<string, string | number> = { ...sent.headers };
  if (!sent.chunked) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (piece: string) => (text += piece)).on('end', () => resolve(JSON.parse(text) as Outcome));
    });
    req.on('error', reject);
    if (sent.chunked) for (const byte of body) req.write(Buffer.from([byte]));
    req.end(sent.chunked ? undefined : body);
  });
}

async function both(sent: Sent): Promise<{ ours: Outcome; bodyParser: Outcome }> {
  return { ours: await send(ports.ours, sent), bodyParser: await send(ports.bodyParser, sent) };
}

describe('jsonBody: the same bodies and the same errors as express.json({ type: () => true })', () => {
  const cases: Array<[string, Sent, Outcome]> = [
    ['a JSON object', { body: '{"model":"m","n":1}', headers: { 'content-type': 'application/json' } }, { status: 200, body: { model: 'm', n: 1 } }],
    ['any content type (curl -d)', { body: '{"a":[1,2]}', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, { status: 200, body: { a: [1, 2] } }],
    ['no content type', { body: '[1]' }, { status: 200, body: [1] }],
    ['charset=UTF-8 in quotes', { body: '{"é":"ü"}', headers: { 'content-type': 'application/json; charset="UTF-8"' } }, { status: 200, body: { é: 'ü' } }],
    ['a byte-order mark', { body: '\ufeff{"a":1}' }, { status: 200, body: { a: 1 } }],
    ['only a byte-order mark', { body: '\ufeff' }, { status: 200, body: {} }],
    ['leading whitespace', { body: ' \r\n\t{"a":1}' }, { status: 200, body: { a: 1 } }],
    ['a bare number', { body: '123' }, { status: 400, type: 'entity.parse.failed' }],
    ['whitespace only', { body: '   ' }, { status: 400, type: 'entity.parse.failed' }],
    ['broken JSON', { body: '{"model": ' }, { status: 400, type: 'entity.parse.failed' }],
    ['an empty body', { body: '' }, { status: 200, body: {} }],
    ['a Latin-1 charset', { body: '{"a":1}', headers: { 'content-type': 'application/json; charset=latin1' } }, { status: 415, type: 'charset.unsupported' }],
    ['a UTF-16 body', { body: Buffer.from('{"a":1}', 'utf16le'), headers: { 'content-type': 'application/json; charset=utf-16le' } }, { status: 200, body: { a: 1 } }],
    ['a gzip body', { body: gzipSync('{"a":2}'), headers: { 'content-encoding': 'gzip' } }, { status: 200, body: { a: 2 } }],
    ['an unknown encoding', { body: '{"a":1}', headers: { 'content-encoding': 'zz' } }, { status: 415, type: 'encoding.unsupported' }],
    ['a chunked body', { body: '{"a":3}', chunked: true }, { status: 200, body: { a: 3 } }],
    ['over the limit', { body: `{"a":"${'x'.repeat(LIMIT)}"}` }, { status: 413, type: 'entity.too.large' }],
    ['over the limit, chunked', { body: `{"a":"${'x'.repeat(LIMIT)}"}`, chunked: true }, { status: 413, type: 'entity.too.large' }],
    ['invalid UTF-8', { body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) }, { status: 200, body: { a: '\ufffd' } }],
  ];
  it.each(cases)('%s', async (_name, sent, expected) => {
    const { ours, bodyParser } = await both(sent);
    expect(ours).toEqual(bodyParser);
    expect(ours).toEqual(expected);
  });

  it('reads the plain case itself and hands every other to body-parser', () => {
    const with_ = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    expect(readsItself(with_({ 'content-length': '10', 'content-type': 'application/json' }), LIMIT)).toBe(true);
    expect(readsItself(with_({ 'content-length': '10', 'content-type': 'text/plain; charset=UTF-8' }), LIMIT)).toBe(true);
    expect(readsItself(with_({ 'content-length': '10', 'content-encoding': 'identity' }), LIMIT)).toBe(true);
    expect(readsItself(with_({ 'content-length': '0' }), LIMIT)).toBe(false);
    expect(readsItself(with_({ 'content-length': String(LIMIT + 1) }), LIMIT)).toBe(false);
    expect(readsItself(with_({ 'transfer-encoding': 'chunked' }), LIMIT)).toBe(false);
    expect(readsItself(with_({ 'content-length': '10', 'content-encoding': 'gzip' }), LIMIT)).toBe(false);
    expect(readsItself(with_({ 'content-length': '10', 'content-type': 'application/json; charset=utf-16le' }), LIMIT)).toBe(false);
  });

  it('goes on in the trace context the request arrived in (the active span), as body-parser does', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    const key = createContextKey('request');
    const app = express();
    app.use((_req, _res, next) => context.with(context.active().setValue(key, 'this request'), next));
    app.post('/', jsonBody(LIMIT), (req, res) => void res.json({ store: context.active().getValue(key) ?? null, body: req.body as unknown }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as AddressInfo).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': 7 } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (piece: string) => (text += piece)).on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.write('{"a"');
        setTimeout(() => req.end(':1}'), 20);
      });
      expect(JSON.parse(answer)).toEqual({ store: 'this request', body: { a: 1 } });
    } finally {
      server.close();
      context.disable();
    }
  });

  it('reports a client that left mid-body as request.aborted, once', async () => {
    const seen: unknown[] = [];
    const app = express();
    app.post('/', jsonBody(LIMIT), () => seen.push('handler'));
    app.use(((error, _req, _res, _next) => seen.push((error as { type?: string }).type)) as ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/', headers: { 'content-length': 100 } });
    req.on('error', () => undefined);
    req.write('{"a":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    for (let waited = 0; seen.length === 0 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.close();
    expect(seen).toEqual(['request.aborted']);
  });

  it('agrees with body-parser on arbitrary bodies and content types', async () => {
    const text = fc.oneof(fc.json(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', '\ufeff', '{', '[]', 'null', '"x"'));
    const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain; charset=utf-8', 'application/json;charset=utf8', 'a/b; charset=UTF-8; x=y');
    await fc.assert(
      fc.asyncProperty(text, contentType, async (body, type) => {
        const { ours, bodyParser } = await both({ body, ...(type ? { headers: { 'content-type': type } } : {}) });
        expect(ours).toEqual(bodyParser);
      }),
      { numRuns: 200 },
    );
  });
});
