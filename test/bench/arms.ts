/**
 * The arms of the bench: how each is started, reached and stopped. Every one talks to the same upstream double.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createMemoryCgroup, type MemoryCgroup } from './memory-cgroup';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CHAT_MODEL, EMBEDDING_MODEL } from './payloads';
import { firstLine, freePort, startProcess, waitForHttp, type ManagedProcess } from './processes';

export type ArmId = 'direct' | 'sidecar' | 'sidecar-chart' | 'sidecar-otel-off' | 'baseline-chart' | 'ceiling' | 'portkey' | 'litellm';

export const ARM_IDS: readonly ArmId[] = ['direct', 'sidecar', 'sidecar-chart', 'sidecar-otel-off', 'baseline-chart', 'ceiling', 'portkey', 'litellm'];

/** The sidecar arms: every request traced and exported, the chart's default (SDK on, traces off), the SDK off. */
export type SidecarArmId = 'sidecar' | 'sidecar-chart' | 'sidecar-otel-off' | 'baseline-chart';

export function isSidecarArm(id: ArmId): id is SidecarArmId {
  return id === 'sidecar' || id === 'sidecar-chart' || id === 'sidecar-otel-off' || id === 'baseline-chart';
}

/** OTel variables per sidecar arm; `sidecar-chart` is what the Helm chart sets when tracing.otlpEndpoint is empty. */
const SIDECAR_OTEL_ENV: Record<SidecarArmId, Record<string, string | undefined>> = {
  sidecar: {},
  'sidecar-chart': { OTEL_TRACES_EXPORTER: 'none', OTEL_TRACES_SAMPLER: 'always_off' },
  'sidecar-otel-off': { OTEL_SDK_DISABLED: 'true' },
  'baseline-chart': { OTEL_TRACES_EXPORTER: 'none', OTEL_TRACES_SAMPLER: 'always_off' },
};

export const ARM_LABELS: Record<ArmId, string> = {
  direct: 'direct to the double',
  sidecar: 'sidecar (telemetry on)',
  'sidecar-chart': 'sidecar (chart default: traces off)',
  'sidecar-otel-off': 'sidecar (OTEL_SDK_DISABLED)',
  'baseline-chart': 'baseline build (chart default)',
  ceiling: 'ceiling: Express 5 + undici',
  portkey: 'Portkey gateway',
  litellm: 'LiteLLM proxy',
};

/** A running arm: where to send requests, in which dialect, and the process whose CPU and memory count. */
export interface Arm {
  id: ArmId;
  label: string;
  origin: string;
  /** 'gemini': native requests straight to the double; 'openai': OpenAI requests to a gateway. */
  dialect: 'openai' | 'gemini';
  headers: Record<string, string>;
  process: ManagedProcess;
  version: string;
}

/** Paths and settings shared by every arm. */
export interface BenchEnv {
  root: string;
  logsDir: string;
  tmpDir: string;
  node: string;
  /** Extra arguments for the sidecar arms' node (--node-args, --cpu-prof). */
  sidecarNodeArgs?: string[];
  /** `--max-concurrent N`: the sidecar arms' `server.maxConcurrentRequests` (default: config/default.yaml's). */
  maxConcurrent?: number;
  /** `--memory-limit MiB`: each sidecar arm inside a memory cgroup of that limit (filled in as they start). */
  memoryLimitMb?: number;
  memoryCgroups?: Map<string, MemoryCgroup>;
  /** `--baseline DIR`: another build of the sidecar (its dist/, config/ and package.json) for the `baseline-chart` arm. */
  baselineRoot?: string;
}

export interface Double {
  origin: string;
  process: ManagedProcess;
}

const BENCH_DIST = 'dist/bench/test/bench';
const CALLER_KEY = 'bench-caller-key';
const LITELLM_MASTER_KEY = 'sk-bench-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';

function packageVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The environment without anything that would change a child's behaviour behind the bench's back. */
function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const dropped = /^(OTEL_|GEMINI_|SIDECAR_|LITELLM_|PORTKEY_|NODE_OPTIONS$|CONFIG_FILE$|PORT$|ADMIN_PORT$|SOCKET_PATH$|LOG_LEVEL$)/;
  for (const [key, value] of Object.entries(process.env)) if (!dropped.test(key)) env[key] = value;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export async function startDouble(env: BenchEnv): Promise<Double> {
  const process = startProcess('double', env.node, [join(BENCH_DIST, 'upstream-double.js'), '--port', '0'], {
    cwd: env.root,
    env: cleanEnv({}),
    logFile: join(env.logsDir, 'double.log'),
    capture: true,
  });
  const { port } = JSON.parse(await firstLine(process, 10_000)) as { port: number };
  return { origin: `http://127.0.0.1:${port}`, process };
}

export function directArm(double: Double): Arm {
  return { id: 'direct', label: ARM_LABELS.direct, origin: double.origin, dialect: 'gemini', headers: { 'x-goog-api-key': CALLER_KEY }, process: double.process, version: '-' };
}

/** The sidecar as `npm start` runs it (built dist/, instrumentation preloaded), default config but for the points below. */
export async function startSidecar(env: BenchEnv, double: Double, id: SidecarArmId): Promise<Arm> {
  const root = id === 'baseline-chart' ? env.baselineRoot : env.root;
  if (!root) throw new Error('the baseline-chart arm needs --baseline DIR');
  const [port, adminPort] = [await freePort(), await freePort()];
  const config = (parseYaml(readFileSync(join(root, 'config/default.yaml'), 'utf8')) ?? {}) as Record<string, Record<string, unknown>>;
  // Loopback only, and no 5 s drain on SIGTERM (a bench has no ingress to wait for); everything else is the default.
  config.server = { ...config.server, host: '127.0.0.1', drainDelayMs: 0, shutdownTimeoutMs: 5000 };
  if (env.maxConcurrent !== undefined) config.server.maxConcurrentRequests = env.maxConcurrent;
  const configFile = join(env.tmpDir, `${id}.yaml`);
  writeFileSync(configFile, stringifyYaml(config));
  const args = [...(env.sidecarNodeArgs ?? []), '--require', './dist/sidecar/observability/instrumentation.js', 'dist/sidecar/main.js'];
  let command = { command: env.node, args };
  if (env.memoryLimitMb !== undefined) {
    const cgroup = createMemoryCgroup(id, env.memoryLimitMb);
    env.memoryCgroups?.set(id, cgroup);
    command = cgroup.wrap(env.node, args);
  }
  const process = startProcess(id, command.command, command.args, {
    cwd: root,
    env: cleanEnv({
      CONFIG_FILE: configFile,
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      GEMINI_BASE_URL: double.origin,
      // Spans go to the double's OTLP sink, as they would to a collector.
      OTEL_EXPORTER_OTLP_ENDPOINT: double.origin,
      ...SIDECAR_OTEL_ENV[id],
    }),
    logFile: join(env.logsDir, `${id}.log`),
    // The access log (one JSON line per request) goes where a container's stdout would go: away.
    stdoutFile: 'ignore',
  });
  await waitForHttp(`http://127.0.0.1:${adminPort}/readyz`, 30_000, process);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { id, label: ARM_LABELS[id], origin: `http://127.0.0.1:${port}`, dialect: 'openai', headers: { authorization: `Bearer ${CALLER_KEY}` }, process, version };
}

/** The Express + undici ceiling; `nodeArgs` only for profiling it (--node-args is for the sidecar arms). */
export async function startCeiling(env: BenchEnv, double: Double, nodeArgs: readonly string[] = []): Promise<Arm> {
  const process = startProcess('ceiling', env.node, [...nodeArgs, join(BENCH_DIST, 'ceiling.js'), '--port', '0', '--upstream', double.origin], {
    cwd: env.root,
    env: cleanEnv({}),
    logFile: join(env.logsDir, 'ceiling.log'),
    capture: true,
  });
  const { port } = JSON.parse(await firstLine(process, 15_000)) as { port: number };
  return {
    id: 'ceiling',
    label: ARM_LABELS.ceiling,
    origin: `http://127.0.0.1:${port}`,
    dialect: 'openai',
    headers: { authorization: `Bearer ${CALLER_KEY}` },
    process,
    version: `express ${packageVersion(env.root, 'express')}, undici ${packageVersion(env.root, 'undici')}`,
  };
}

export async function startPortkey(env: BenchEnv, double: Double): Promise<Arm> {
  const script = join(env.root, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (!existsSync(script)) throw new Error('@portkey-ai/gateway is not installed (npm install)');
  const port = await freePort();
  const process = startProcess('portkey', env.node, [script, `--port=${port}`, '--headless'], {
    cwd: env.root,
    env: cleanEnv({}),
    logFile: join(env.logsDir, 'portkey.log'),
  });
  await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, process);
  return {
    id: 'portkey',
    label: ARM_LABELS.portkey,
    origin: `http://127.0.0.1:${port}`,
    dialect: 'openai',
    headers: { authorization: `Bearer ${CALLER_KEY}`, 'x-portkey-provider': 'google', 'x-portkey-custom-host': double.origin },
    process,
    version: packageVersion(env.root, '@portkey-ai/gateway'),
  };
}

/** Runs a command to completion within `timeoutMs` (killed after), output to `logFile`. */
async function runBounded(name: string, command: string, args: string[], env: BenchEnv, timeoutMs: number): Promise<void> {
  const child = startProcess(name, command, args, { cwd: env.root, env: cleanEnv({}), logFile: join(env.logsDir, `${name}.log`) });
  child.child.stdin?.end();
  const timer = setTimeout(() => void child.stop(2000), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== '0') throw new Error(`${name} ${code === 'SIGTERM' || code === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited ${code}`} (see ${child.logFile})`);
}

/** LiteLLM in a venv under `cacheDir`: installed from PyPI once (bounded), then reused. */
export async function ensureLitellm(env: BenchEnv, cacheDir: string, python: string, installTimeoutMs: number): Promise<string> {
  const venv = join(cacheDir, 'litellm-venv');
  const bin = join(venv, 'bin', 'litellm');
  if (existsSync(bin)) return venv;
  console.log(`installing litellm[proxy] into ${venv} (at most ${installTimeoutMs / 1000} s)...`);
  await runBounded('litellm-venv', python, ['-m', 'venv', venv], env, 120_000);
  await runBounded('litellm-pip', join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', 'litellm[proxy]'], env, installTimeoutMs);
  if (!existsSync(bin)) throw new Error(`pip finished but ${bin} is missing`);
  return venv;
}

export async function startLitellm(env: BenchEnv, double: Double, venv: string, startTimeoutMs: number): Promise<Arm> {
  const port = await freePort();
  const config = {
    model_list: [
      { model_name: CHAT_MODEL, litellm_params: { model: `gemini/${CHAT_MODEL}`, api_key: CALLER_KEY, api_base: double.origin } },
      { model_name: EMBEDDING_MODEL, litellm_params: { model: `gemini/${EMBEDDING_MODEL}`, api_key: CALLER_KEY, api_base: double.origin } },
    ],
    general_settings: { master_key: LITELLM_MASTER_KEY },
    litellm_settings: { telemetry: false },
  };
  const configFile = join(env.tmpDir, 'litellm.yaml');
  writeFileSync(configFile, stringifyYaml(config));
  const process = startProcess('litellm', join(venv, 'bin', 'litellm'), ['--config', configFile, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: env.tmpDir,
    // The model price map ships with the package; without this LiteLLM tries to download a fresh one at start.
    env: cleanEnv({ LITELLM_LOCAL_MODEL_COST_MAP: 'True', NO_DOCS: 'True' }),
    logFile: join(env.logsDir, 'litellm.log'),
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/liveliness`, startTimeoutMs, process);
  const version = litellmVersion(venv);
  return {
    id: 'litellm',
    label: ARM_LABELS.litellm,
    origin: `http://127.0.0.1:${port}`,
    dialect: 'openai',
    headers: { authorization: `Bearer ${LITELLM_MASTER_KEY}` },
    process,
    version,
  };
}

function litellmVersion(venv: string): string {
  try {
    const lib = join(venv, 'lib');
    for (const python of readdirSync(lib)) {
      const sitePackages = join(lib, python, 'site-packages');
      for (const entry of readdirSync(sitePackages)) {
        const match = /^litellm-(.+)\.dist-info$/.exec(entry);
        if (match) return match[1] ?? '?';
      }
    }
  } catch {
    // unknown
  }
  return '?';
}
