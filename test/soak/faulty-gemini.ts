import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { answerByDefault } from '../emulator/default-gemini';
import type { EmulatorScript, RecordedRequest } from '../emulator/emulator-types';
import { googleError } from '../emulator/google-error';
import { runScript, type WriteContext } from '../emulator/response-writer';

/** Faults the soak injects; a request asks for one with `[soak:<id>:<fault>]` in its prompt. */
export const SOAK_FAULTS = ['rate-limited-then-success', 'reset-then-success', 'unavailable-storm', 'cut-mid-stream', 'hang', 'bad-request'] as const;

/** One injectable upstream fault. */
export type SoakFault = (typeof SOAK_FAULTS)[number];

const TAG = /\[soak:(\d+):([a-z-]+)\]/;

function textChunk(text: string): unknown {
  return { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }], modelVersion: 'gemini-2.5-flash' };
}

/** The script for attempt `attempt` (1-based) of a fault, or undefined for the emulator's own answer. */
function scriptFor(fault: SoakFault, attempt: number): EmulatorScript | undefined {
  switch (fault) {
    case 'rate-limited-then-success':
      return attempt === 1 ? { kind: 'json', ...googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted.') } : undefined;
    case 'reset-then-success':
      return attempt === 1 ? { kind: 'reset' } : undefined;
    case 'unavailable-storm':
      return { kind: 'json', ...googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') };
    case 'cut-mid-stream':
      return { kind: 'sse', chunks: [textChunk('partial '), textChunk('answer '), textChunk('never sent')], intervalMs: 5, cutAfter: 2 };
    case 'hang':
      return { kind: 'hang' };
    case 'bad-request':
      return { kind: 'json', ...googleError(400, 'INVALID_ARGUMENT', 'Invalid value at generation_config.') };
  }
}

/** The in-process Gemini the soak runs against. */
export interface FaultyGemini {
  url: string;
  /** Upstream requests received so far. */
  requests(): number;
  /** Drops the attempt counter of a finished soak request. */
  forget(id: number): void;
  close(): Promise<void>;
}

/**
 * The emulator's default Gemini, except that a prompt tagged `[soak:<id>:<fault>]` gets the emulator script of that
 * fault for each of its attempts (a FIFO script queue would hand faults to whichever concurrent request came first).
 */
export async function startFaultyGemini(chunkIntervalMs = 5): Promise<FaultyGemini> {
  const attempts = new Map<number, number>();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let received = 0;
  const sleep = async (ms: number) => {
    if (ms > 0) await delay(ms, undefined, { signal: closing.signal });
  };
  const server: Server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      received++;
      const rawBody = Buffer.concat(body).toString('utf8');
      const context: WriteContext = { response, sleep };
      const tag = TAG.exec(rawBody);
      let script: EmulatorScript | undefined;
      if (tag && (SOAK_FAULTS as readonly string[]).includes(tag[2]!)) {
        const id = Number(tag[1]);
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        script = scriptFor(tag[2] as SoakFault, attempt);
      }
      let parsed: unknown;
      try {
        parsed = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        parsed = undefined;
      }
      const recorded: RecordedRequest = { method: request.method ?? 'GET', path: request.url ?? '/', headers: { ...request.headers }, body: parsed, rawBody };
      const answer = script ? runScript(context, script) : answerByDefault(context, recorded, { chunkIntervalMs });
      answer.catch(() => response.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => received,
    forget: (id) => attempts.delete(id),
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
