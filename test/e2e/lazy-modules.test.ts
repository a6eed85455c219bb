import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { REPOSITORY_ROOT, startSidecarProcess } from '../helpers/sidecar-process';

// Issue 19 (idle RSS): the Redis client, google-auth-library, sdk-node (with every exporter it can build), the
// native API's proxy and the Opus codec are loaded only by a sidecar that uses them. A preload reports, at exit, which of them the
// built process loaded.
const HEAVY = ['@redis/client', 'google-auth-library', '@opentelemetry/sdk-node', 'http-proxy-middleware', 'opusscript'];
const INSTRUMENTATION = path.join(REPOSITORY_ROOT, 'dist/sidecar/observability/instrumentation.js');
// The chart's default telemetry: the SDK on, no span export, nothing sampled.
const CHART_TELEMETRY = { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'none', OTEL_TRACES_SAMPLER: 'always_off' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('modules only some configurations need (built process, instrumentation preloaded as npm start does)', () => {
  let emulator: GeminiEmulator;
  let dir: string;
  let probe: string;
  let configFile: string;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-lazy-modules-'));
    probe = path.join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => {
        const loaded = ${JSON.stringify(HEAVY)}.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
        process.stderr.write('LOADED ' + JSON.stringify(loaded) + '\\n');
      });\n`,
    );
    // No drain delay: the process exits (and the probe reports) well within the stop's grace.
    configFile = path.join(dir, 'sidecar.yaml');
    writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  drainDelayMs: 0\n');
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the sidecar with `env`, sends one chat with the caller's `trace` headers, stops it: what it loaded and sent Gemini. */
  async function run(env: Record<string, string>, trace: Record<string, string> = { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }): Promise<{ loaded: string[]; upstream: Record<string, unknown> }> {
    const sidecar = await startSidecarProcess(emulator.url, { NODE_OPTIONS: `--require ${probe} --require ${INSTRUMENTATION}`, CONFIG_FILE: configFile, ...env });
    const response = await fetch(`${sidecar.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...trace },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    const upstream = { ...emulator.lastRequest()!.headers };
    await sidecar.stop();
    const line = sidecar.output().split('\n').find((text) => text.startsWith('LOADED '));
    if (!line) throw new Error(`the probe printed nothing:\n${sidecar.output()}`);
    return { loaded: JSON.parse(line.slice('LOADED '.length)) as string[], upstream };
  }

  it('with the chart telemetry, loads none of them after a chat, and still passes the caller trace context to Gemini', async () => {
    const { loaded, upstream } = await run(CHART_TELEMETRY);
    expect(loaded).toEqual([]);
    // No span is exported, so (as with sdk-node) no span of its own: the caller's context goes on unchanged.
    expect(upstream.traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
  }, 30_000);

  it('honours OTEL_PROPAGATORS without sdk-node: b3 sends the b3 header, none sends no trace header', async () => {
    const b3 = await run({ ...CHART_TELEMETRY, OTEL_PROPAGATORS: 'b3' }, { b3: `${TRACE_ID}-${SPAN_ID}-1` });
    expect(b3.loaded).toEqual([]);
    expect(b3.upstream.b3).toBe(`${TRACE_ID}-${SPAN_ID}-1`);
    expect(b3.upstream.traceparent).toBeUndefined();
    const none = await run({ ...CHART_TELEMETRY, OTEL_PROPAGATORS: 'none' });
    expect([none.upstream.traceparent, none.upstream.b3]).toEqual([undefined, undefined]);
  }, 30_000);

  it('exporting spans loads sdk-node, and a response store the Redis client (so the probe sees what it looks for)', async () => {
    // An exporter makes sdk-node build the span pipeline (nothing sampled, so nothing to flush at exit). The store
    // connects on first use: no Redis is needed.
    const { loaded } = await run({
      OTEL_SDK_DISABLED: 'false',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_TRACES_SAMPLER: 'always_off',
      REDIS_URL: 'redis://127.0.0.1:1',
      STORE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(loaded).toEqual(['@redis/client', '@opentelemetry/sdk-node']);
  }, 30_000);
});
