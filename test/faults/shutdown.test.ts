import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';
import { chatBody, geminiTextChunks, pieces, readStream, until } from './fault-helpers';

interface OpenStream {
  /** Resolves when the first SSE bytes arrived (the stream is live). */
  live: Promise<void>;
  /** Resolves with the whole body once the sidecar ends the response. */
  finished: Promise<{ status: number; text: string }>;
  ended: boolean;
}

/** Opens one streaming chat completion against the sidecar process and reads it to the end. */
function openStream(url: string, prompt: string): OpenStream {
  let markLive: () => void = () => undefined;
  const live = new Promise<void>((resolve) => (markLive = resolve));
  const stream: OpenStream = { live, finished: Promise.resolve({ status: 0, text: '' }), ended: false };
  stream.finished = (async () => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(prompt, true)),
      signal: AbortSignal.timeout(20_000),
    });
    const decoder = new TextDecoder();
    let text = '';
    for await (const part of response.body!) {
      text += decoder.decode(part, { stream: true });
      markLive();
    }
    stream.ended = true;
    return { status: response.status, text };
  })();
  return stream;
}

/** Whether a fresh TCP connection to `port` is refused. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function readyzStatus(adminUrl: string): Promise<number> {
  const response = await fetch(`${adminUrl}/readyz`, { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  return response.status;
}

describe('SIGTERM with live streams (built sidecar process)', () => {
  let directory: string;
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess | undefined;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sidecar-shutdown-'));
    emulator = await GeminiEmulator.start();
  });
  afterEach(async () => {
    await sidecar?.stop(1_000);
    sidecar = undefined;
    await emulator.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const start = async (server: { drainDelayMs: number; shutdownTimeoutMs: number }) => {
    const file = join(directory, 'config.yaml');
    writeFileSync(file, `server:\n  host: 127.0.0.1\n  drainDelayMs: ${server.drainDelayMs}\n  shutdownTimeoutMs: ${server.shutdownTimeoutMs}\n`);
    sidecar = await startSidecarProcess(emulator.url, { CONFIG_FILE: file });
    return sidecar;
  };

  /** Opens `count` streams one after another, so the i-th queued script answers the i-th stream. */
  const openStreams = async (running: SidecarProcess, count: number, chunks: number, intervalMs: number) => {
    const streams: OpenStream[] = [];
    for (let index = 0; index < count; index++) {
      emulator.enqueue({ kind: 'sse', chunks: geminiTextChunks(pieces(`s${index}`, chunks)), intervalMs });
      streams.push(openStream(running.url, `stream ${index}`));
      await until(() => emulator.requests.length === index + 1, 5_000, `stream ${index} to reach Gemini`);
    }
    await Promise.all(streams.map((stream) => stream.live));
    return streams;
  };

  it('turns /readyz 503 at once, refuses new connections after drainDelayMs, lets 20 streams finish, exits 0', async () => {
    const running = await start({ drainDelayMs: 300, shutdownTimeoutMs: 10_000 });
    const streams = await openStreams(running, 20, 10, 220);

    const signalled = performance.now();
    running.child.kill('SIGTERM');
    let readyz = 0;
    while (performance.now() - signalled < 150 && readyz !== 503) readyz = await readyzStatus(running.adminUrl);
    expect(readyz).toBe(503);

    // Still accepting during the drain delay (the ingress has not noticed yet): sent well inside the 300 ms...
    expect(performance.now() - signalled).toBeLessThan(150);
    const during = await fetch(`${running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody('during drain delay')),
    });
    expect(during.status).toBe(200);
    expect(((await during.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Echo: during drain delay');

    // ...then refusing new connections while the streams are still being served.
    await delay(Math.max(0, signalled + 600 - performance.now()));
    expect(await connectionRefused(running.port)).toBe(true);
    expect(streams.some((stream) => !stream.ended)).toBe(true);

    const results = await Promise.all(streams.map((stream) => stream.finished));
    results.forEach((result, index) => {
      expect(result.status).toBe(200);
      const stream = readStream(result.text);
      expect(stream).toEqual({ content: pieces(`s${index}`, 10).join(''), finishReasons: ['stop'], error: undefined, done: true, errorIsLast: false });
    });
    expect(await running.exited).toBe(0);
    expect(emulator.requests).toHaveLength(21);
  }, 30_000);

  it('ends streams still open at shutdownTimeoutMs with a server_shutting_down error event and exits 0', async () => {
    const running = await start({ drainDelayMs: 100, shutdownTimeoutMs: 500 });
    const streams = await openStreams(running, 5, 25, 200);

    const signalled = performance.now();
    running.child.kill('SIGTERM');
    const results = await Promise.all(streams.map((stream) => stream.finished));
    for (const result of results) {
      const stream = readStream(result.text);
      expect(result.status).toBe(200);
      expect(stream.done).toBe(false);
      expect(stream.finishReasons).toEqual([]);
      expect(stream.errorIsLast).toBe(true);
      expect(stream.error).toMatchObject({ type: 'api_error', code: 'server_shutting_down' });
      expect(stream.content.length).toBeGreaterThan(0);
    }
    expect(await running.exited).toBe(0);
    // 100 ms drain delay + 500 ms shutdown timeout, far from the 5 s the streams would have taken.
    expect(performance.now() - signalled).toBeLessThan(3_000);
    expect(emulator.requests).toHaveLength(5);
  }, 30_000);
});
