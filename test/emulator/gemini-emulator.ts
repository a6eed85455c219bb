import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { answerBatchMode, isBatchModePath } from './batch-mode-http';
import { BatchStore } from './batch-store';
import { answerByDefault, MODEL_CALL_PATH } from './default-gemini';
import type { EmulatorOptions, EmulatorScript, RecordedRequest } from './emulator-types';
import { runScript, type WriteContext } from './response-writer';
import { ThoughtSignatureLedger } from './thought-signatures';
import { vertexRoute } from './vertex-dialect';

export type { EmulatorOptions, EmulatorScript, RecordedRequest } from './emulator-types';
export type { ReceivedThoughtSignature, ThoughtSignatureLedger } from './thought-signatures';

function parseJson(rawBody: string): unknown {
  if (rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return undefined;
  }
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** A local stand-in for generativelanguage.googleapis.com (and aiplatform.googleapis.com) that speaks the native Gemini REST API. */
export class GeminiEmulator {
  /** Base URL without a trailing slash, e.g. 'http://127.0.0.1:40123' (use as GEMINI_BASE_URL). */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Thought signatures the default behaviour issued, and every signature that came back in model-call contents. */
  readonly thoughtSignatures = new ThoughtSignatureLedger();
  /** Files and Batch Mode: uploaded and generated files, batches and their states (tests may hold or settle them). */
  readonly batchStore = new BatchStore();
  private readonly scripts: EmulatorScript[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly closing = new AbortController();

  private constructor(
    private readonly server: Server,
    address: AddressInfo,
    private readonly options: EmulatorOptions,
  ) {
    this.url = formatUrl(address);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request, response) => this.receive(request, response));
  }

  /** Starts an emulator on 127.0.0.1 and a free port unless told otherwise. */
  static async start(options: EmulatorOptions = {}): Promise<GeminiEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new GeminiEmulator(server, server.address() as AddressInfo, options);
  }

  /** Scripts are consumed FIFO, one per request to a model endpoint; when the queue is empty the default behaviour answers. */
  enqueue(...scripts: EmulatorScript[]): void {
    this.scripts.push(...scripts);
  }

  /** Clears queued scripts, recorded requests and the thought-signature ledger. */
  reset(): void {
    this.scripts.length = 0;
    this.requests.length = 0;
    this.thoughtSignatures.clear();
    this.batchStore.clear();
  }

  /** The most recent request, if any. */
  lastRequest(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  /** Stops listening and destroys every open socket, including hung requests. */
  async close(): Promise<void> {
    this.closing.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
    this.batchStore.dispose();
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    if (isBatchModePath(request.method ?? 'GET', path.split('?')[0] ?? '')) {
      answerBatchMode(request, response, this.batchStore, (recorded) => this.requests.push(recorded)).catch(() => response.destroy());
      return;
    }
    // Taken on arrival, so scripts follow request order even when bodies finish out of order.
    const pathname = path.split('?')[0] ?? '';
    const isModelCall = request.method === 'POST' && MODEL_CALL_PATH.test(vertexRoute(pathname)?.developerPath ?? pathname);
    const script = isModelCall ? this.scripts.shift() : undefined;
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const rawBody = Buffer.concat(body).toString('utf8');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path,
        headers: { ...request.headers },
        body: parseJson(rawBody),
        rawBody,
      };
      this.requests.push(recorded);
      response.once('close', () => {
        if (!response.writableFinished) recorded.closedBeforeEnd = true;
      });
      if (isModelCall) this.thoughtSignatures.receive(recorded.body, this.requests.length - 1);
      const context: WriteContext = { response, sleep: (ms) => this.sleep(ms) };
      const answer = script ? runScript(context, script) : answerByDefault(context, recorded, this.options, this.thoughtSignatures);
      answer.catch(() => response.destroy());
    });
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    await delay(ms, undefined, { signal: this.closing.signal });
  }
}
