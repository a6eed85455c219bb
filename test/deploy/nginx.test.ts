import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { parseSseEvents } from '../helpers/sidecar-harness';
import { freePort, spawnManaged, startSidecarProcess, waitForHttp, type ManagedProcess, type SidecarProcess } from '../helpers/sidecar-process';
import { systemTool } from '../helpers/tool-paths';

// A real nginx (Debian's package; npm test provisions it) runs the shipped config/ingress/nginx/nginx.conf in front of the
// built sidecar and the Gemini emulator. Only two lines of the shipped file are rewritten: the upstream's server
// address (to the sidecar's free port) and the listen port; the rest of the file is used as written, plus the paths a
// foreground nginx needs in a temporary prefix.

const SHIPPED_CONF = resolve(__dirname, '../../config/ingress/nginx/nginx.conf');
const CHUNK_INTERVAL_MS = 400;
const CHUNK_COUNT = 6;

/** Replaces the one occurrence of `pattern` in `text`, failing when the shipped file no longer has exactly one. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, 'gm')) ?? [];
  if (matches.length !== 1) throw new Error(`nginx.conf must contain ${pattern} exactly once (found ${matches.length})`);
  return text.replace(pattern, replacement);
}

/**
 * The shipped config with the sidecar's address and a free listen port. proxy_ignore_headers X-Accel-Buffering makes
 * nginx ignore the sidecar's own "X-Accel-Buffering: no", so the stream below is unbuffered because of the shipped
 * directives alone. (Tried by hand: with `proxy_buffering on` and `proxy_http_version 1.0` the whole stream arrives
 * at the end and test (b) fails; with HTTP/1.1 nginx happens to pass chunked upstream data on chunk by chunk even when
 * buffering, so `proxy_buffering off` is what guarantees it whatever the upstream framing.)
 */
function testConfig(prefix: string, listenPort: number, sidecarPort: number): string {
  let conf = readFileSync(SHIPPED_CONF, 'utf8');
  conf = replaceOnce(conf, /^(\s+)server 127\.0\.0\.1:8080;$/m, `$1server 127.0.0.1:${sidecarPort};`);
  conf = replaceOnce(conf, /^(\s+)listen 80;$/m, `$1listen 127.0.0.1:${listenPort};`);
  const temporaryPaths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(prefix, kind)};`).join('\n');
  const additions = [temporaryPaths, `    access_log ${join(prefix, 'access.log')};`, '    proxy_ignore_headers X-Accel-Buffering;'].join('\n');
  return replaceOnce(conf, /^http \{$/m, `http {\n${additions}`);
}

function chatBody(prompt: string, stream: boolean): string {
  return JSON.stringify({ model: 'gemini-2.5-flash', stream, messages: [{ role: 'user', content: prompt }] });
}

function geminiChunk(text: string, last: boolean): unknown {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
    ...(last ? { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: CHUNK_COUNT, totalTokenCount: 3 + CHUNK_COUNT } } : {}),
    modelVersion: 'gemini-2.5-flash',
  };
}

describe('config/ingress/nginx/nginx.conf in a real nginx, in front of the sidecar process', () => {
  let directory: string;
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess | undefined;
  let nginx: ManagedProcess | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    const nginxBinary = systemTool('nginx');
    directory = mkdtempSync(join(tmpdir(), 'sidecar-nginx-'));
    // nginx workers drop root privileges (to nobody) and must still reach the temp paths under this directory.
    chmodSync(directory, 0o755);
    emulator = await GeminiEmulator.start();
    sidecar = await startSidecarProcess(emulator.url);
    const listenPort = await freePort();
    const confFile = join(directory, 'nginx.conf');
    writeFileSync(confFile, testConfig(directory, listenPort, sidecar.port));
    const check = spawnSync(nginxBinary, ['-t', '-q', '-p', directory, '-c', confFile, '-e', 'stderr', '-g', `pid ${join(directory, 'nginx.pid')};`], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t rejected the config:\n${check.stderr}`);
    nginx = spawnManaged(nginxBinary, ['-p', directory, '-c', confFile, '-e', 'stderr', '-g', `daemon off; pid ${join(directory, 'nginx.pid')};`]);
    baseUrl = `http://127.0.0.1:${listenPort}`;
    await Promise.race([
      waitForHttp(`${baseUrl}/v1beta/openai/models`, 10_000, (response) => response.status !== 502),
      nginx.exited.then((code) => {
        throw new Error(`nginx exited with ${code}:\n${nginx!.output()}`);
      }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop(2_000);
    await sidecar?.stop(1_000);
    await emulator?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }, 15_000);

  it('(a) passes a non-streaming chat completion on /v1/', async () => {
    const response = await fetch(`${baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody('through nginx', false) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]!.message.content).toBe('Echo: through nginx');
  });

  it('(b) streams SSE chunks as they are produced: the first arrives long before the upstream finishes', async () => {
    const pieces = Array.from({ length: CHUNK_COUNT }, (_, index) => `part-${index} `);
    emulator.enqueue({ kind: 'sse', chunks: pieces.map((text, index) => geminiChunk(text, index === pieces.length - 1)), intervalMs: CHUNK_INTERVAL_MS });
    const started = performance.now();
    const response = await fetch(`${baseUrl}/v1beta/openai/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody('stream through nginx', true),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    const arrivals: Array<{ at: number; text: string }> = [];
    for await (const part of response.body!) arrivals.push({ at: performance.now() - started, text: decoder.decode(part, { stream: true }) });
    const text = arrivals.map((arrival) => arrival.text).join('');
    const { events, done } = parseSseEvents(text);
    const content = (events as Array<{ choices?: Array<{ delta?: { content?: string } }> }>)
      .flatMap((event) => event.choices ?? [])
      .map((choice) => choice.delta?.content ?? '')
      .join('');
    expect(content).toBe(pieces.join(''));
    expect(done).toBe(true);
    const firstContent = arrivals.find((arrival) => arrival.text.includes('part-0'))!.at;
    const last = arrivals.at(-1)!.at;
    // The emulator spends (CHUNK_COUNT - 1) × 400 ms = 2 s between its first and last chunk; a buffering proxy would
    // deliver everything at the end.
    expect(last - firstContent).toBeGreaterThan((CHUNK_COUNT - 2) * CHUNK_INTERVAL_MS);
    expect(arrivals.filter((arrival) => arrival.text.includes('part-')).length).toBeGreaterThanOrEqual(CHUNK_COUNT - 1);
  });

  it('(c) serves the models list on /v1beta/openai/models', async () => {
    const response = await fetch(`${baseUrl}/v1beta/openai/models`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.map((model) => model.id)).toContain('gemini-2.5-flash');
  });

  it('leaves other paths to the rest of the server (no catch-all to the sidecar)', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(404);
    expect(response.headers.get('server')).toBe('nginx');
  });
});
