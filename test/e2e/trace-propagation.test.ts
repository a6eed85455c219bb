import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';

// The built entry started exactly as `npm start` does, exporting spans over OTLP/HTTP (JSON) to a receiver here.
const ROOT = resolve(__dirname, '../..');
const KEY = 'AIzaSy-otlp-secret-42';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: Array<{ stringValue?: string }> } };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((entry) => entry.key === key)?.value;
  if (!value) return undefined;
  if (value.arrayValue) return value.arrayValue.values.map((item) => item.stringValue);
  return value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue;
}

describe('traces from the running sidecar (OTLP/HTTP)', () => {
  let receiver: Server;
  let emulator: GeminiEmulator;
  let sidecar: ChildProcess;
  const payloads: string[] = [];
  const spans: OtlpSpan[] = [];
  let resourceAttributes: OtlpAttribute[] = [];
  let port: number;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        payloads.push(body);
        if (req.url === '/v1/traces') {
          const parsed = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
          for (const resourceSpan of parsed.resourceSpans) {
            resourceAttributes = resourceSpan.resource.attributes;
            for (const scope of resourceSpan.scopeSpans) spans.push(...scope.spans);
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    emulator = await GeminiEmulator.start();
    [port] = [await freePort()];
    const adminPort = await freePort();
    sidecar = spawn(process.execPath, ['--require', './dist/sidecar/observability/instrumentation.js', 'dist/sidecar/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        GEMINI_BASE_URL: emulator.url,
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        if ((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error('the sidecar did not become ready');
  });

  afterAll(async () => {
    sidecar.kill('SIGKILL');
    await emulator.close();
    receiver.closeAllConnections();
    await new Promise((done) => receiver.close(done));
  });

  it('continues the caller traceparent through the sidecar to Gemini, with GenAI attributes and no key', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'propagate' }] }),
    });
    expect(response.status).toBe(200);
    for (let attempt = 0; attempt < 50 && spans.filter((span) => span.traceId === TRACE_ID).length < 3; attempt++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    const mine = spans.filter((span) => span.traceId === TRACE_ID);
    const server = mine.find((span) => span.kind === 2);
    const genai = mine.find((span) => span.name === 'chat gemini-2.5-flash');
    const client = mine.find((span) => span.kind === 3 && span !== genai);
    expect(server?.parentSpanId).toBe(PARENT_SPAN_ID);
    expect(attribute(server!, 'http.route')).toBe('/v1/chat/completions');
    expect(genai?.parentSpanId).toBe(server!.spanId);
    expect(genai?.kind).toBe(3);
    expect(attribute(genai!, 'gen_ai.provider.name')).toBe('gcp.gemini');
    expect(attribute(genai!, 'gen_ai.response.finish_reasons')).toEqual(['stop']);
    expect(attribute(genai!, 'gen_ai.usage.output_tokens')).toBeGreaterThan(0);
    expect(client?.parentSpanId).toBe(genai!.spanId);
    expect(String(emulator.lastRequest()!.headers.traceparent)).toMatch(new RegExp(`^00-${TRACE_ID}-${client!.spanId}-01$`));
    expect(resourceAttributes.find((entry) => entry.key === 'service.name')?.value.stringValue).toBe('openai-gemini-sidecar');
    expect(payloads.join('')).not.toContain(KEY);
  });
});
