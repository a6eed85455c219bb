import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { helmBinary } from '../helpers/tool-paths';

// What the cluster tests share: the lab's paths, kubectl and helm, NodePort URLs on 127.0.0.1 and the in-cluster
// Gemini emulator's control API.

export const REPO = join(__dirname, '../..');
export const CHART = join(REPO, 'charts/openai-gemini-sidecar');
export const LAB_DIR = process.env.CLUSTER_LAB_DIR ?? join(homedir(), '.cache/openai-gemini-sidecar/cluster');
/** The images lab-images.sh builds, under the names the pods use. */
export const IMAGES = {
  sidecar: { registry: 'docker.io', repository: 'local/openai-gemini-sidecar', tag: 'dev' },
  traefik: 'docker.io/local/traefik:v3.6.12',
  envoy: 'docker.io/local/envoy:1.40.0',
  nginx: 'docker.io/local/nginx:bookworm',
  prometheus: 'docker.io/local/prometheus:v3.5.0',
  busybox: 'docker.io/local/busybox:bookworm',
};
/** The emulator Service (test/cluster/manifests/emulator.yaml) as the sidecar's GEMINI base URL. */
export const EMULATOR_URL = 'http://gemini-emulator.lab-gemini.svc:8070';
export const GEMINI_KEY = 'lab-gemini-key-not-a-real-one';
export const CLIENT_KEY = 'lab-client-key-0123456789abcdef';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; rejects with its output unless it exits 0 (or `allowFailure`). */
export function run(command: string, args: string[], options: { input?: string; allowFailure?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 300_000, env: process.env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export function kubectl(args: string[], options: { input?: string; allowFailure?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  return run(join(LAB_DIR, 'bin/kubectl'), args, options);
}

export function helm(args: string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  return run(helmBinary(3), args, options);
}

/** The helm --set flags a user would pass for the image this lab built. */
export function imageValues(): string[] {
  const { registry, repository, tag } = IMAGES.sidecar;
  return ['--set', `image.registry=${registry}`, '--set', `image.repository=${repository}`, '--set', `image.tag=${tag}`];
}

/** What a user installing the chart against the lab sets: the image, the Gemini base URL and the keys. */
export function userValues(): string[] {
  return [
    ...imageValues(),
    '--set', `config.gemini.baseUrl=${EMULATOR_URL}`,
    '--set', `secret.geminiApiKey=${GEMINI_KEY}`,
    '--set', `secret.sidecarApiKeys[0]=${CLIENT_KEY}`,
  ];
}

/** A one-replica Deployment whose pods carry the label app=<name>. */
export function deployment(name: string, namespace: string, pod: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: pod } },
  };
}

/** Removes what an earlier, interrupted run may have left in a namespace (a user's cluster keeps it). */
export async function freshNamespace(namespace: string): Promise<void> {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}

/** kubectl apply of a manifest given as text. */
export async function apply(manifest: string): Promise<void> {
  await kubectl(['apply', '-f', '-'], { input: manifest });
}

/** The NodePort of a Service port, as a URL on 127.0.0.1 (kube-proxy answers NodePorts there). */
export async function nodePortUrl(namespace: string, service: string, portName: string): Promise<string> {
  const { stdout } = await kubectl(['-n', namespace, 'get', 'svc', service, '-o', `jsonpath={.spec.ports[?(@.name=="${portName}")].nodePort}`]);
  if (!/^\d+$/.test(stdout)) throw new Error(`service ${namespace}/${service} has no NodePort named ${portName}: '${stdout}'`);
  // kube-proxy programs a new Service's NodePort on its next sync: until then the port refuses connections.
  const port = Number(stdout);
  await waitFor(`NodePort ${port} of ${namespace}/${service}`, () => accepts(port), 60_000);
  return `http://127.0.0.1:${port}`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls until `probe` resolves truthy, or throws with the last error after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await delay(500);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Starts a long-running command (a watch, a port-forward); the caller stops it. */
export function background(command: string, args: string[]): { stop: () => void; output: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (part: Buffer) => (output += part.toString()));
  child.stderr.on('data', (part: Buffer) => (output += part.toString()));
  return { stop: () => child.kill('SIGTERM'), output: () => output };
}
