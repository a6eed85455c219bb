import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientClosedError, InvalidRequestError } from '@sidecar/errors/sidecar-error';
import { inlineRemoteMedia, type RemoteMediaOptions } from '@sidecar/media/inline-remote-media';
import type { GeminiGenerateContentRequest, GeminiPart } from '@sidecar/translate/chat-completions/gemini-generate-schema';

/** Made-up host names resolved by the fake DNS below; everything else goes to the system resolver. */
const mockDns: Record<string, Array<{ address: string; family: number }>> = {
  'media.example': [{ address: '127.0.0.1', family: 4 }],
  'internal.example': [{ address: '10.0.0.5', family: 4 }],
  'mixed.example': [
    { address: '93.184.216.34', family: 4 },
    { address: '192.168.0.9', family: 4 },
  ],
};

jest.mock('node:dns/promises', () => {
  const actual = jest.requireActual<typeof import('node:dns/promises')>('node:dns/promises');
  return {
    ...actual,
    lookup: (hostname: string, options: { all: true }) => (mockDns[hostname] ? Promise.resolve(mockDns[hostname]) : actual.lookup(hostname, options)),
  };
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const LOCAL: RemoteMediaOptions = { allowPrivateNetworks: true, maxBytes: 1024, timeoutMs: 5000 };
const GUARDED: RemoteMediaOptions = { ...LOCAL, allowPrivateNetworks: false };

const hits: string[] = [];
let inFlight = 0;
let maxInFlight = 0;

function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body: Buffer | string = '') {
  res.writeHead(status, headers).end(body);
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/cat.png': (_req, res) => send(res, 200, { 'content-type': 'image/png; charset=binary' }, PNG),
  '/photo.webp': (_req, res) => send(res, 200, { 'content-type': 'application/octet-stream' }, PNG),
  '/blob': (_req, res) => send(res, 200, { 'content-type': 'application/octet-stream' }, PNG),
  '/untyped': (_req, res) => send(res, 200, {}, PNG),
  '/big.png': (_req, res) => send(res, 200, { 'content-type': 'image/png', 'content-length': 2048 }, Buffer.alloc(2048)),
  '/stream.png': (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    const write = (left: number) => (left === 0 ? res.end() : res.write(Buffer.alloc(400), () => write(left - 1)));
    write(5);
  },
  '/empty.png': (_req, res) => send(res, 200, { 'content-type': 'image/png' }),
  '/missing.png': (_req, res) => send(res, 404, { 'content-type': 'text/plain' }, 'not found'),
  '/hang.png': () => undefined,
  '/to-cat': (_req, res) => send(res, 302, { location: '/cat.png' }),
  '/to-metadata': (_req, res) => send(res, 302, { location: 'http://169.254.169.254/computeMetadata/v1/' }),
  '/to-ftp': (_req, res) => send(res, 301, { location: 'ftp://files.example/cat.png' }),
};

function route(req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').replace(/\?.*$/, '');
  hits.push(`${req.headers.host ?? ''}${path}`);
  const hop = /^\/hop\/(\d+)$/.exec(path);
  if (hop) return send(res, 307, { location: Number(hop[1]) === 0 ? '/cat.png' : `/hop/${Number(hop[1]) - 1}` });
  const slow = /^\/slow\/(\d+)\.png$/.exec(path);
  if (slow) {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      send(res, 200, { 'content-type': 'image/png' }, `image-${slow[1]}`);
    }, 60);
    return;
  }
  (routes[path] ?? ((_req, response) => send(response, 404, {})))(req, res);
}

let server: Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  hits.length = 0;
  maxInFlight = 0;
});

/** A one-turn request whose parts are the given ones. */
function requestWith(...parts: GeminiPart[]): GeminiGenerateContentRequest {
  return { contents: [{ role: 'user', parts: [{ text: 'look' }, ...parts] }] };
}

const remote = (fileUri: string, mimeType?: string): GeminiPart => ({ fileData: mimeType === undefined ? { fileUri } : { fileUri, mimeType } });
const inline = (mimeType: string, bytes: Buffer | string) => ({ inlineData: { mimeType, data: Buffer.from(bytes).toString('base64') } });

async function failure(request: GeminiGenerateContentRequest, options: RemoteMediaOptions, signal?: AbortSignal): Promise<InvalidRequestError> {
  const error: unknown = await inlineRemoteMedia(request, options, signal).then(
    () => new Error('expected inlineRemoteMedia to fail'),
    (rejection: unknown) => rejection,
  );
  if (error instanceof InvalidRequestError) return error;
  throw error;
}

describe('inlineRemoteMedia', () => {
  const successes = [
    { name: 'inlines an image with its Content-Type (parameters dropped)', path: '/cat.png', expected: inline('image/png', PNG) },
    { name: 'takes the MIME type from the extension when Content-Type is octet-stream', path: '/photo.webp', expected: inline('image/webp', PNG) },
    { name: 'keeps the MIME type the translator declared when nothing better is known', path: '/blob', mimeType: 'application/pdf', expected: inline('application/pdf', PNG) },
    { name: 'follows a relative redirect', path: '/to-cat', expected: inline('image/png', PNG) },
    { name: 'follows exactly 3 redirects', path: '/hop/2', expected: inline('image/png', PNG) },
  ];
  it.each(successes)('$name', async ({ path, mimeType, expected }) => {
    const request = requestWith({ ...remote(`${base}${path}`, mimeType), mediaResolution: { level: 'MEDIA_RESOLUTION_LOW' } });
    await inlineRemoteMedia(request, LOCAL);
    expect(request.contents[0]?.parts[1]).toEqual({ ...expected, mediaResolution: { level: 'MEDIA_RESOLUTION_LOW' } });
  });

  const failures = [
    { name: 'a body over maxBytes by Content-Length', path: '/big.png', code: 'image_too_large' },
    { name: 'a streamed body over maxBytes without Content-Length', path: '/stream.png', code: 'image_too_large' },
    { name: 'an HTTP 404 from the image host', path: '/missing.png?token=secret', code: 'image_fetch_failed' },
    { name: 'an empty body', path: '/empty.png', code: 'image_fetch_failed' },
    { name: 'a generic Content-Type and no extension', path: '/blob', code: 'invalid_image_url' },
    { name: 'no Content-Type and no extension', path: '/untyped', code: 'invalid_image_url' },
    { name: 'more than 3 redirects', path: '/hop/3', code: 'image_fetch_failed' },
    { name: 'a redirect to the cloud metadata address, even on private networks', path: '/to-metadata', code: 'invalid_image_url' },
    { name: 'a redirect to a non-http scheme', path: '/to-ftp', code: 'invalid_image_url' },
  ];
  it.each(failures)('fails with $code on $name', async ({ path, code }) => {
    const error = await failure(requestWith(remote(`${base}${path}`)), LOCAL);
    expect({ status: error.status, code: error.code, param: error.param }).toEqual({ status: 400, code, param: 'messages' });
    expect(error.message).toContain(`${base}${path.replace(/\?.*$/, '')}`);
    expect(error.message).not.toContain('secret');
  });

  it('names the refused redirect target', async () => {
    const error = await failure(requestWith(remote(`${base}/to-metadata`)), LOCAL);
    expect(error.message).toContain('redirected to http://169.254.169.254/computeMetadata/v1/');
    expect(error.message).toContain('cloud metadata');
  });

  it('times out on a server that never answers', async () => {
    const started = Date.now();
    const error = await failure(requestWith(remote(`${base}/hang.png`)), { ...LOCAL, timeoutMs: 300 });
    expect(error.code).toBe('image_fetch_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  const refused = [
    { name: 'the loopback address', uri: () => `${base}/cat.png`, reason: 'loopback' },
    { name: 'localhost', uri: () => `http://localhost:${port}/cat.png`, reason: 'loopback' },
    { name: 'IPv6 loopback', uri: () => `http://[::1]:${port}/cat.png`, reason: 'loopback' },
    { name: 'IPv4-mapped IPv6 loopback', uri: () => `http://[::ffff:127.0.0.1]:${port}/cat.png`, reason: 'loopback' },
    { name: 'a decimal IPv4 loopback', uri: () => `http://2130706433:${port}/cat.png`, reason: 'loopback' },
    { name: 'a name that resolves to a private address', uri: () => `http://internal.example:${port}/cat.png`, reason: 'private' },
    { name: 'a name with one private address among public ones', uri: () => `http://mixed.example:${port}/cat.png`, reason: 'private' },
    { name: 'a name that resolves to loopback', uri: () => `http://media.example:${port}/cat.png`, reason: 'loopback' },
  ];
  it.each(refused)('refuses $name when private networks are not allowed', async ({ uri, reason }) => {
    const error = await failure(requestWith(remote(uri())), GUARDED);
    expect({ code: error.code, param: error.param }).toEqual({ code: 'invalid_image_url', param: 'messages' });
    expect(error.message).toContain(`a ${reason} address`);
    expect(error.message).toContain('media.allowPrivateNetworks');
    expect(hits).toEqual([]);
  });

  it('connects to the address it vetted (pinned lookup), not to a second resolution', async () => {
    const request = requestWith(remote(`http://media.example:${port}/cat.png`));
    await inlineRemoteMedia(request, LOCAL);
    expect(request.contents[0]?.parts[1]).toEqual(inline('image/png', PNG));
    expect(hits).toEqual([`media.example:${port}/cat.png`]);
  });

  it('leaves Files API, YouTube, gs:// and inline parts alone', async () => {
    const parts: GeminiPart[] = [
      remote('https://generativelanguage.googleapis.com/v1beta/files/abc-123'),
      remote('https://www.youtube.com/watch?v=9hE5-98ZeCg'),
      remote('gs://bucket/cat.png', 'image/png'),
      inline('image/png', PNG),
    ];
    const request = requestWith(...parts);
    const before = structuredClone(request);
    await inlineRemoteMedia(request, GUARDED);
    expect(request).toEqual(before);
    expect(hits).toEqual([]);
  });

  it('inlines fileData inside functionResponse.parts', async () => {
    const request: GeminiGenerateContentRequest = {
      contents: [
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'screenshot', response: { ok: true }, parts: [remote(`${base}/cat.png`) as { fileData: { fileUri: string } }] } }],
        },
      ],
    };
    await inlineRemoteMedia(request, LOCAL);
    expect(request.contents[0]?.parts[0]?.functionResponse?.parts).toEqual([inline('image/png', PNG)]);
  });

  it('fetches several URLs at most 4 at a time and each URL once', async () => {
    const uris = [0, 1, 2, 3, 4, 5].map((index) => `${base}/slow/${index}.png`);
    const request: GeminiGenerateContentRequest = {
      contents: [
        { role: 'user', parts: uris.slice(0, 3).map((uri) => remote(uri)) },
        { role: 'model', parts: [{ text: 'and?' }] },
        { role: 'user', parts: [...uris.slice(3).map((uri) => remote(uri)), remote(uris[0] ?? '')] },
      ],
    };
    await inlineRemoteMedia(request, LOCAL);
    expect(request.contents[0]?.parts).toEqual([0, 1, 2].map((index) => inline('image/png', `image-${index}`)));
    expect(request.contents[2]?.parts).toEqual([3, 4, 5, 0].map((index) => inline('image/png', `image-${index}`)));
    expect(hits).toHaveLength(6);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('reports the first failure and leaves the failed part untouched', async () => {
    const request = requestWith(remote(`${base}/missing.png`));
    await expect(inlineRemoteMedia(request, LOCAL)).rejects.toMatchObject({ code: 'image_fetch_failed' });
    expect(request.contents[0]?.parts[1]).toEqual(remote(`${base}/missing.png`));
  });

  it('throws ClientClosedError when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(inlineRemoteMedia(requestWith(remote(`${base}/hang.png`)), LOCAL, controller.signal)).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('does nothing for a request without remote media', async () => {
    const request = requestWith(inline('image/png', PNG));
    await inlineRemoteMedia(request, GUARDED);
    expect(request).toEqual(requestWith(inline('image/png', PNG)));
  });
});
