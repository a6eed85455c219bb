import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { EmulatorControl, slowStream, slowStreamText } from './emulator-control';
import { CHART, CLIENT_KEY, GEMINI_KEY, REPO, apply, helm, kubectl, nodePortUrl, userValues, waitFor, freshNamespace } from './lab';

// Sidecar mode for real, shared by traefik/envoy/nginx.cluster.ts: the chart installed with mode=sidecar prints its
// snippet (NOTES, and the <release>-openai-gemini-sidecar-snippet ConfigMap for tools that never show NOTES); the proxy's
// Deployment is built from that snippet and the project's proxy config under config/ingress, then the suite talks to
// the proxy's NodePort on 127.0.0.1 with the Gemini emulator in the cluster behind the sidecar.

export type Snippet = Record<string, unknown>;

export interface ProxyUnderTest {
  /** Also the namespace suffix, the Deployment, its app label and its Service. */
  name: 'traefik' | 'envoy' | 'envoy-uds' | 'nginx';
  /** sidecar.target of the chart. */
  target: 'traefik' | 'generic';
  /** The proxy container's own ports (networkPolicy.sidecarHostPorts). */
  hostPorts: number[];
  /** The Service port that clients reach (named `http` in the manifests). */
  port: number;
  /** Chart values a user of this proxy sets beyond the common ones (helm --set arguments). */
  values?: string[];
  /** The proxy's Deployment, ConfigMaps and Service, from the chart's snippet. */
  manifests: (snippet: Snippet, namespace: string) => Array<Record<string, unknown>>;
}

/** The body limit a user sets to see the sidecar's own 413 (1 MiB, under every proxy's own limit). */
const BODY_LIMIT = 1 << 20;

export function repoFile(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

/** A NodePort Service for the proxy's `http` port. */
export function proxyService(name: string, namespace: string, port: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ name: 'http', port, targetPort: port }] },
  };
}

function chatBody(content: string, stream = false): string {
  return JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content }], stream });
}

const headers = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` };

/** Reads an SSE body, timestamping every piece as it arrives. */
async function readTimed(response: Response, started: number): Promise<Array<{ at: number; text: string }>> {
  const decoder = new TextDecoder();
  const arrivals: Array<{ at: number; text: string }> = [];
  for await (const part of response.body!) arrivals.push({ at: Date.now() - started, text: decoder.decode(part as Uint8Array) });
  return arrivals;
}

export function describeSidecarMode(proxy: ProxyUnderTest): void {
  const namespace = `lab-${proxy.name}`;
  const release = 'gemini';
  const emulator = new EmulatorControl();
  let url = '';

  beforeAll(async () => {
    await apply(repoFile('test/cluster/manifests/emulator.yaml'));
    await kubectl(['-n', 'lab-gemini', 'rollout', 'status', 'deploy/gemini-emulator', '--timeout=180s']);
    await freshNamespace(namespace);
    await helm([
      'install', release, CHART, '-n', namespace, '--create-namespace', '--wait', '--timeout', '3m', ...userValues(),
      '--set', 'mode=sidecar',
      '--set', `sidecar.target=${proxy.target}`,
      '--set', `sidecar.podSelector.app=${proxy.name}`,
      ...proxy.hostPorts.flatMap((port, index) => ['--set', `networkPolicy.sidecarHostPorts[${index}]=${port}`]),
      '--set', `config.server.bodyLimitBytes=${BODY_LIMIT}`,
      ...(proxy.values ?? []),
    ]);
    const { stdout } = await kubectl(['-n', namespace, 'get', 'configmap', `${release}-openai-gemini-sidecar-snippet`, '-o', 'jsonpath={.data.snippet\\.yaml}']);
    const snippet = parse(stdout) as Snippet;
    await apply(proxy.manifests(snippet, namespace).map((manifest) => stringify(manifest)).join('---\n'));
    await kubectl(['-n', namespace, 'rollout', 'status', `deploy/${proxy.name}`, '--timeout=180s']);
    url = await nodePortUrl(namespace, proxy.name, 'http');
  }, 600_000);

  async function proxyPods(): Promise<string[]> {
    const { stdout } = await kubectl(['-n', namespace, 'get', 'pods', '-l', `app=${proxy.name}`, '-o', 'jsonpath={.items[*].metadata.name}']);
    return stdout.split(' ').filter(Boolean);
  }

  async function terminating(): Promise<string[]> {
    const { stdout } = await kubectl(['-n', namespace, 'get', 'pods', '-l', `app=${proxy.name}`, '-o', 'json']);
    const pods = JSON.parse(stdout) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string } }> };
    return pods.items.filter((pod) => pod.metadata.deletionTimestamp).map((pod) => pod.metadata.name);
  }

  afterAll(async () => {
    // CLUSTER_KEEP_NAMESPACES=1 leaves the proxy, its logs and the release for a look after a failure.
    if (process.env.CLUSTER_KEEP_NAMESPACES === '1') return;
    await kubectl(['delete', 'namespace', namespace, '--wait=false'], { allowFailure: true });
  });

  test('both /v1beta/openai/* and /v1/* reach the sidecar, which calls Gemini with its key', async () => {
    await emulator.reset();
    for (const prefix of ['/v1beta/openai', '/v1']) {
      const response = await fetch(`${url}${prefix}/chat/completions`, { method: 'POST', headers, body: chatBody(`via ${prefix}`) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toContain(`via ${prefix}`);
    }
    const calls = await emulator.modelCalls();
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.headers['x-goog-api-key']).toBe(GEMINI_KEY);
  });

  test('SSE chunks arrive as Gemini sends them (timestamps spread over the stream), then data: [DONE]', async () => {
    await emulator.reset();
    await emulator.enqueue(slowStream(6, 400));
    const started = Date.now();
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: chatBody('slow', true) });
    expect(response.status).toBe(200);
    const arrivals = await readTimed(response, started);
    const text = arrivals.map((arrival) => arrival.text).join('');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const content = arrivals.filter((arrival) => arrival.text.includes('part '));
    // Six chunks 400 ms apart: a buffering proxy would hand them over in one or two pieces at the end.
    expect(content.length).toBeGreaterThanOrEqual(5);
    expect(content.at(-1)!.at - content[0]!.at).toBeGreaterThan(1500);
  });

  test('a client that aborts a stream cancels the Gemini call', async () => {
    await emulator.reset();
    await emulator.enqueue(slowStream(60, 250));
    const abort = new AbortController();
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: chatBody('abort me', true), signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    const call = await waitFor('the emulator to see the call closed early', async () => (await emulator.modelCalls()).find((c) => c.closedBeforeEnd), 10_000);
    expect(call.path).toContain(':streamGenerateContent');
  });

  test('a body over the configured limit gets the sidecar 413 as an OpenAI error', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: chatBody('x'.repeat(BODY_LIMIT + 1024)) });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error' });
  });

  test('Gemini answering 429 comes back as a 429 OpenAI error', async () => {
    await emulator.reset();
    const quota = { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } };
    await emulator.enqueue(...Array.from({ length: 5 }, () => ({ kind: 'json' as const, status: 429, body: quota })));
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: chatBody('quota') });
    expect(response.status).toBe(429);
    const body = (await response.json()) as { error: { message: string; type: string; code: unknown } };
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toBeTruthy();
    expect(JSON.stringify(body)).not.toContain(GEMINI_KEY);
  });

  test('a rollout of the proxy pods lets an in-flight stream finish', async () => {
    await emulator.reset();
    // 25 s: long enough that the new pod is ready and the old one terminating well before the end, and within
    // every proxy's drain (35 s).
    const count = 100;
    await emulator.enqueue(slowStream(count, 250));
    const podsBefore = await proxyPods();
    const started = Date.now();
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: chatBody('through a rollout', true) });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let restarted: Promise<unknown> | undefined;
    let restartIssued = 0;
    let oldPodsTerminating = 0;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
        if (!restarted) restartIssued = Date.now() - started;
        restarted ??= kubectl(['-n', namespace, 'rollout', 'restart', `deploy/${proxy.name}`]).then(() =>
          waitFor('the old proxy pods to terminate', async () => (await terminating()).length === podsBefore.length && Date.now(), 60_000).then((at) => {
            oldPodsTerminating = at - started;
            return at;
          }),
        );
      }
    } catch (error) {
      // A cut stream says when it was cut relative to the rollout, and what the pods and the namespace's events
      // show, since the old pod and its logs are gone by the time anyone looks.
      const cutAt = Date.now() - started;
      const chunks = text.split('\n').filter((line) => line.startsWith('data: {')).length;
      const pods = await kubectl(['-n', namespace, 'get', 'pods', '-o', 'wide', '--show-labels'], { allowFailure: true });
      const statuses = await kubectl(['-n', namespace, 'get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name} deleted={.metadata.deletionTimestamp} {range .status.initContainerStatuses[*]}{.name} restarts={.restartCount} last={.lastState.terminated.reason} {end}{range .status.containerStatuses[*]}{.name} restarts={.restartCount} last={.lastState.terminated.reason} {end}{"\\n"}{end}'], { allowFailure: true });
      const events = await kubectl(['-n', namespace, 'get', 'events', '--sort-by=.lastTimestamp'], { allowFailure: true });
      const logs = await Promise.all(
        podsBefore.map((pod) => kubectl(['-n', namespace, 'logs', pod, '--all-containers', '--prefix', '--tail=40'], { allowFailure: true })),
      );
      const answer = `HTTP ${response.status} ${JSON.stringify(Object.fromEntries(response.headers))}; received ${JSON.stringify(text.slice(0, 300))}`;
      throw new Error(
        `stream cut after ${cutAt} ms (${chunks} of ${count} chunks); rollout restart ${restartIssued ? `issued at ${restartIssued} ms` : 'not issued'}; old pods terminating at ${oldPodsTerminating || 'not yet'} ms (pods before: ${podsBefore.join(' ')})\n${answer}\n${pods.stdout}\n${statuses.stdout}\n${events.stdout}\n${logs.map((log) => log.stdout).join('\n')}`,
        { cause: error },
      );
    }
    const streamEnded = Date.now();
    // The old pods were already terminating while the stream still ran on one of them.
    expect(await restarted).toBeLessThan(streamEnded);
    const content = text
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe(slowStreamText(count));
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(count * 250 - 1000);
    await kubectl(['-n', namespace, 'rollout', 'status', `deploy/${proxy.name}`, '--timeout=180s']);
  });
}
