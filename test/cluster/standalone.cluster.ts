import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { EmulatorControl, slowStream, slowStreamText } from './emulator-control';
import { CHART, CLIENT_KEY, GEMINI_KEY, apply, helm, kubectl, nodePortUrl, userValues, waitFor, freshNamespace } from './lab';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pythonClientsPython } from '../helpers/tool-paths';

// Standalone mode on a real cluster: the chart's defaults plus only what a user sets (the image, the Gemini base URL,
// the keys secure-by-default asks for, a NodePort Service), the project's image built from its Dockerfile, the stock
// openai SDK through the NodePort on 127.0.0.1, and the Gemini emulator as an in-cluster Service.

const NS = 'lab-standalone';
const RELEASE = 'gemini';
const emulator = new EmulatorControl();
let api = '';
const run = promisify(execFile);

const installValues = [...userValues(), '--set', 'service.type=NodePort'];

function client(): OpenAI {
  return new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${api}/v1`, maxRetries: 0, timeout: 60_000 });
}

/** The Deployment's running pods (not the helm test pod, not pods already terminating). */
async function sidecarPods(): Promise<string[]> {
  const { stdout } = await kubectl(['-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/instance=${RELEASE}`, '-o', 'json']);
  const pods = JSON.parse(stdout) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string; ownerReferences?: Array<{ kind: string }> } }> };
  return pods.items
    .filter(({ metadata }) => !metadata.deletionTimestamp && metadata.ownerReferences?.some((owner) => owner.kind === 'ReplicaSet'))
    .map(({ metadata }) => metadata.name);
}

beforeAll(async () => {
  await apply(readFileSync(join(__dirname, 'manifests/emulator.yaml'), 'utf8'));
  await kubectl(['-n', 'lab-gemini', 'rollout', 'status', 'deploy/gemini-emulator', '--timeout=180s']);
  await waitFor('the emulator control API', async () => (await fetch(`${emulator.url}/requests`)).ok);
  await freshNamespace(NS);
  await helm(['install', RELEASE, CHART, '-n', NS, '--create-namespace', '--wait', '--timeout', '5m', ...installValues]);
  api = await nodePortUrl(NS, 'gemini-openai-gemini-sidecar', 'http');
}, 600_000);

afterAll(async () => {
  await helm(['uninstall', RELEASE, '-n', NS, '--wait'], { allowFailure: true });
});

test('helm install --wait brought up the chart default of 2 ready replicas, non-root with a read-only root filesystem', async () => {
  const { stdout } = await kubectl(['-n', NS, 'get', 'deploy', 'gemini-openai-gemini-sidecar', '-o', 'json']);
  const deployment = JSON.parse(stdout) as {
    status: { readyReplicas: number };
    spec: { template: { spec: { containers: Array<{ image: string; securityContext: { readOnlyRootFilesystem: boolean; runAsNonRoot: boolean } }> } } };
  };
  expect(deployment.status.readyReplicas).toBe(2);
  const container = deployment.spec.template.spec.containers[0]!;
  expect(container.image).toBe('docker.io/local/openai-gemini-sidecar:dev');
  expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
});

test('helm test --logs passes and prints the test pod log', async () => {
  const result = await helm(['test', RELEASE, '-n', NS, '--logs', '--timeout', '3m']);
  expect(result.stdout).toMatch(/Phase:\s+Succeeded/);
  expect(result.stdout).toMatch(/POD LOGS: gemini-openai-gemini-sidecar-test/);
});

test('a request without a client key is refused with an OpenAI error (secure by default), and Gemini is not called', async () => {
  await emulator.reset();
  const response = await fetch(`${api}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(401);
  const body = (await response.json()) as { error: { message: string; type: string; code: string | null } };
  expect(body.error.type).toBe('authentication_error');
  expect(JSON.stringify(body)).not.toContain(GEMINI_KEY);
  expect(await emulator.modelCalls()).toEqual([]);
});

test('the stock openai SDK through the NodePort: chat, streaming, embeddings, models; Gemini gets the key in x-goog-api-key', async () => {
  await emulator.reset();
  const openai = client();
  const chat = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hello cluster' }] });
  expect(chat.choices[0]?.message.content).toContain('hello cluster');

  const stream = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'stream me' }], stream: true });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
  expect(streamed).toContain('stream me');

  const embeddings = await openai.embeddings.create({ model: 'gemini-embedding-001', input: ['one', 'two'] });
  expect(embeddings.data).toHaveLength(2);
  expect(embeddings.data[0]!.embedding.length).toBeGreaterThan(0);

  const models = [];
  for await (const model of openai.models.list()) models.push(model.id);
  expect(models.length).toBeGreaterThan(0);

  const calls = await emulator.modelCalls();
  expect(calls.map((call) => call.path.split('?')[0])).toEqual(
    expect.arrayContaining([
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      expect.stringMatching(/^\/v1beta\/models\/gemini-embedding-001:(batchEmbedContents|embedContent)$/),
    ]),
  );
  for (const call of calls) {
    expect(call.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(call.path).not.toContain(GEMINI_KEY);
  }
});

// The Python SDK as users run it (the venv npm test provisions from test/tools/python-clients.txt): chat and a stream.
const PYTHON_CLIENT = `
import json, sys
from openai import OpenAI
client = OpenAI(api_key=sys.argv[2], base_url=sys.argv[1] + "/v1", max_retries=0, timeout=60)
chat = client.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "python in the cluster"}])
parts = []
for chunk in client.chat.completions.create(model="gemini-2.5-flash", messages=[{"role": "user", "content": "python stream"}], stream=True):
    if chunk.choices and chunk.choices[0].delta.content:
        parts.append(chunk.choices[0].delta.content)
print(json.dumps({"chat": chat.choices[0].message.content, "finish": chat.choices[0].finish_reason, "stream": "".join(parts)}))
`;

test('the stock openai Python SDK through the NodePort: chat and streaming', async () => {
  await emulator.reset();
  const { stdout } = await run(pythonClientsPython(), ['-c', PYTHON_CLIENT, api, CLIENT_KEY], { timeout: 120_000 });
  const answer = JSON.parse(stdout) as { chat: string; finish: string; stream: string };
  expect(answer.chat).toContain('python in the cluster');
  expect(answer.finish).toBe('stop');
  expect(answer.stream).toContain('python stream');
  const calls = await emulator.modelCalls();
  expect(calls.map((call) => call.path.split('?')[0]).sort()).toEqual([
    '/v1beta/models/gemini-2.5-flash:generateContent',
    '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
  ]);
  for (const call of calls) expect(call.headers['x-goog-api-key']).toBe(GEMINI_KEY);
});

test('a raw stream ends with data: [DONE] and its chunks arrive apart (not buffered)', async () => {
  await emulator.reset();
  await emulator.enqueue(slowStream(6, 300));
  const started = Date.now();
  const response = await fetch(`${api}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'slow' }], stream: true }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const arrivals: Array<{ at: number; text: string }> = [];
  const decoder = new TextDecoder();
  for await (const part of response.body!) arrivals.push({ at: Date.now() - started, text: decoder.decode(part as Uint8Array) });
  const text = arrivals.map((arrival) => arrival.text).join('');
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  const withContent = arrivals.filter((arrival) => arrival.text.includes('part '));
  expect(withContent.length).toBeGreaterThanOrEqual(5);
  expect(withContent.at(-1)!.at - withContent[0]!.at).toBeGreaterThan(1000);
});

interface LoadResult {
  ok: number;
  failed: string[];
  /** Connection errors that a retry then answered (what the openai SDKs do by default: maxRetries 2). */
  retried: string[];
}

/**
 * The openai SDKs' default for a connection error (node_modules/openai/client.js makeRequest: any method, POST
 * included, unless the body is a stream): up to 2 retries, 0.5 s then 1 s (less up to 25 % jitter).
 */
const SDK_RETRY_DELAYS_MS = [500, 1000];

/**
 * Keep-alive workers sending chat requests until `until` resolves. A connection error is retried the way the stock
 * SDKs retry it: a server that closes an idle keep-alive connection races a client that sends on it at that moment
 * (RFC 9112 section 9.3.1), whatever the server does, and only the client's retry closes that race. Every non-200, and
 * a connection error still there after the SDK's retries, is a failure; retries are counted and reported.
 */
async function steadyLoad(workers: number, until: Promise<unknown>): Promise<LoadResult> {
  const agent = new Agent({ connections: workers, keepAliveTimeout: 30_000 });
  const result: LoadResult = { ok: 0, failed: [], retried: [] };
  let done = false;
  void until.finally(() => (done = true));
  const request = async (worker: number): Promise<void> => {
    const response = await undiciFetch(`${api}/v1/chat/completions`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `load ${worker}` }] }),
    });
    const body = await response.text();
    if (response.status === 200 && body.includes(`load ${worker}`)) result.ok += 1;
    else result.failed.push(`${response.status} ${body.slice(0, 200)}`);
  };
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!done) {
        for (let attempt = 0; ; attempt++) {
          try {
            await request(worker);
            break;
          } catch (error) {
            const message = String((error as Error & { cause?: unknown }).cause ?? error);
            if (attempt >= SDK_RETRY_DELAYS_MS.length) {
              result.failed.push(message);
              break;
            }
            result.retried.push(message);
            await new Promise((resolve) => setTimeout(resolve, SDK_RETRY_DELAYS_MS[attempt]));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
  );
  await agent.close();
  return result;
}

test('helm upgrade (a new config, so every pod is replaced) under steady keep-alive load: zero failed requests', async () => {
  const podsBefore = await sidecarPods();
  const upgrade = helm(['upgrade', RELEASE, CHART, '-n', NS, '--wait', '--timeout', '5m', ...installValues, '--set', 'config.logging.level=debug']);
  const load = await steadyLoad(6, upgrade);
  await upgrade;
  const podsAfter = await sidecarPods();
  expect(podsAfter.filter((pod) => podsBefore.includes(pod))).toEqual([]);
  expect(load.failed).toEqual([]);
  expect(load.ok).toBeGreaterThan(50);
  process.stderr.write(
    `[cluster] helm upgrade under load: ${load.ok} requests, ${load.failed.length} failed, ${load.retried.length} connection errors retried as the SDKs do${load.retried.length ? ` (${load.retried.join('; ')})` : ''}\n`,
  );
});

test('both pods deleted with a stream in flight: the stream still completes with [DONE]', async () => {
  await emulator.reset();
  const count = 40;
  await emulator.enqueue(slowStream(count, 250));
  const openai = client();
  const stream = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'long' }], stream: true });
  let streamed = '';
  let deleted: Promise<unknown> | undefined;
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta.content ?? '';
    // Once the stream runs, every sidecar pod (whichever serves it) gets its SIGTERM.
    deleted ??= sidecarPods().then((pods) => kubectl(['-n', NS, 'delete', 'pod', ...pods, '--wait=false']));
  }
  await deleted;
  expect(streamed).toBe(slowStreamText(count));
  const [call] = await emulator.modelCalls();
  expect(call?.closedBeforeEnd).toBeFalsy();
  await kubectl(['-n', NS, 'rollout', 'status', 'deploy/gemini-openai-gemini-sidecar', '--timeout=180s']);
});
