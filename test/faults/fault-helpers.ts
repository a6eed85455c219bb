import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GeminiEmulator } from '../emulator/gemini-emulator';
import { parseSseEvents, type SidecarHarness } from '../helpers/sidecar-harness';

/** Retries on, with short waits, for the cases that test them (the harness defaults to one attempt). */
export const RETRIES = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryWaitMs: 10_000, deadlineMs: 60_000 };

/** OpenAI chat request body for `prompt`. */
export function chatBody(prompt: string, stream = false, model = 'gemini-2.5-flash'): Record<string, unknown> {
  return { model, stream, messages: [{ role: 'user', content: prompt }] };
}

/** Gemini SSE chunks carrying `pieces` in order, the last one with STOP and usage (a complete answer). */
export function geminiTextChunks(pieces: readonly string[]): unknown[] {
  return pieces.map((text, index) => {
    const last = index === pieces.length - 1;
    return {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
      ...(last ? { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: pieces.length, totalTokenCount: 3 + pieces.length } } : {}),
      modelVersion: 'gemini-2.5-flash',
      responseId: 'fault-response',
    };
  });
}

/** `count` text pieces `"<label>-<i> "`, whose concatenation is the expected answer. */
export function pieces(label: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${label}-${index} `);
}

interface StreamChunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  error?: { message: string; type: string; code: string | null };
}

/** What an OpenAI SSE body says: joined content, finish reasons, the error frame if any, and whether [DONE] came. */
export function readStream(text: string): { content: string; finishReasons: string[]; error: StreamChunk['error']; done: boolean; errorIsLast: boolean } {
  const { events, done } = parseSseEvents(text);
  const chunks = events as StreamChunk[];
  const errorIndex = chunks.findIndex((chunk) => chunk.error !== undefined);
  return {
    content: chunks.flatMap((chunk) => (chunk.choices ?? []).map((choice) => choice.delta?.content ?? '')).join(''),
    finishReasons: chunks.flatMap((chunk) => (chunk.choices ?? []).flatMap((choice) => (choice.finish_reason ? [choice.finish_reason] : []))),
    error: errorIndex === -1 ? undefined : chunks[errorIndex]!.error,
    done,
    errorIsLast: errorIndex !== -1 && errorIndex === chunks.length - 1,
  };
}

/** Serves the harness app on 127.0.0.1 and a free port, for clients that need real sockets (fetch, aborts, concurrency). */
export async function listenHarness(harness: SidecarHarness): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = harness.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Records when each emulator request arrived (the emulator keeps bodies and headers, not times). */
export function recordArrivalTimes(emulator: GeminiEmulator): number[] {
  const times: number[] = [];
  const push = emulator.requests.push.bind(emulator.requests);
  emulator.requests.push = (...items) => {
    for (const _item of items) times.push(performance.now());
    return push(...items);
  };
  return times;
}

/** The `x-goog-api-key` of every request the emulator received, in order. */
export function upstreamKeys(emulator: GeminiEmulator): string[] {
  return emulator.requests.map((request) => String(request.headers['x-goog-api-key']));
}

/** Resolves once `predicate` holds, polling every 5 ms; throws after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
