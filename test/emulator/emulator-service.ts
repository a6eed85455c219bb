import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GeminiEmulator, type EmulatorScript } from './gemini-emulator';

/**
 * The emulator as a long-running service (the cluster suite's in-cluster Gemini): the Gemini API on 0.0.0.0:8070
 * (EMULATOR_PORT) and a control API on 8071 (EMULATOR_CONTROL_PORT) for tests that run outside the process:
 *   GET  /requests   every request received, in order (method, path, headers, body, closedBeforeEnd)
 *   POST /scripts    a JSON array of EmulatorScript, answered FIFO to the next model calls
 *   POST /reset      clears scripts and recorded requests
 * Streamed answers come one chunk per EMULATOR_CHUNK_INTERVAL_MS (default 150).
 */
const port = Number(process.env.EMULATOR_PORT ?? 8070);
const controlPort = Number(process.env.EMULATOR_CONTROL_PORT ?? 8071);
const chunkIntervalMs = Number(process.env.EMULATOR_CHUNK_INTERVAL_MS ?? 150);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function control(emulator: GeminiEmulator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const route = `${request.method} ${request.url}`;
  if (route === 'GET /requests') return answer(response, 200, emulator.requests.map(({ rawBody: _raw, ...rest }) => rest));
  if (route === 'POST /reset') {
    emulator.reset();
    return answer(response, 200, { ok: true });
  }
  if (route === 'POST /scripts') {
    const scripts = JSON.parse(await readBody(request)) as EmulatorScript[];
    if (!Array.isArray(scripts)) return answer(response, 400, { error: 'a JSON array of scripts' });
    emulator.enqueue(...scripts);
    return answer(response, 200, { queued: scripts.length });
  }
  answer(response, 404, { error: `no route ${route}` });
}

async function main(): Promise<void> {
  const emulator = await GeminiEmulator.start({ port, host: '0.0.0.0', chunkIntervalMs });
  const controlServer = createServer((request, response) => {
    control(emulator, request, response).catch((error: unknown) => answer(response, 400, { error: String(error) }));
  });
  await new Promise<void>((resolve) => controlServer.listen(controlPort, '0.0.0.0', resolve));
  process.stdout.write(`Gemini emulator on :${port}, control API on :${controlPort}\n`);
  const stop = (): void => {
    controlServer.close();
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`emulator service failed: ${(error as Error).message}\n`);
  process.exit(1);
});
