import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../helpers/sidecar-process';
import { startFaultyGemini, type FaultyGemini } from './faulty-gemini';
import { call, pick } from './soak-traffic';

const USAGE = `Usage: npm run soak -- [--minutes N] [--concurrency N] [--report-seconds N]
  --minutes         how long the load runs (env SOAK_MINUTES, default 10; decimals allowed)
  --concurrency     requests in flight at once (env SOAK_CONCURRENCY, default 16)
  --report-seconds  seconds between progress lines (default 30)
Runs the built sidecar (dist/sidecar/main.js) against an in-process Gemini emulator, both on 127.0.0.1, and flags a
leak when the sidecar's average RSS over the last third of the run exceeds the first third's by more than 20 %.`;

const LEAK_THRESHOLD = 0.2;
/** Shorter runs mostly measure warm-up (pools, JIT, the heap finding its size): their RSS growth is only indicative. */
const CONCLUSIVE_SECONDS = 5 * 60;
const SAMPLE_EVERY_MS = 5_000;
const MiB = 1024 * 1024;

function positiveNumber(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got '${raw}'.\n${USAGE}`);
  return value;
}

/** The repository root: the nearest folder above this file whose package.json is this project's. */
function repositoryRoot(): string {
  for (let directory = __dirname; directory !== dirname(directory); directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'openai-gemini-sidecar') return directory;
  }
  throw new Error('cannot find the repository root (package.json of openai-gemini-sidecar)');
}

interface Sidecar {
  child: ChildProcess;
  url: string;
  adminUrl: string;
  exited: Promise<number | null>;
  /** The last lines the sidecar wrote, for diagnostics. */
  tail: string[];
}

async function startSidecar(root: string, geminiUrl: string, configFile: string): Promise<Sidecar> {
  const main = join(root, 'dist/sidecar/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first (npm run soak does)`);
  const [port, adminPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      CONFIG_FILE: configFile,
      GEMINI_BASE_URL: geminiUrl,
      GEMINI_API_KEY: 'soak-fake-key',
      SIDECAR_TRUST_INGRESS: 'true',
      LOG_LEVEL: 'error',
      OTEL_SDK_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (data: Buffer) => {
    tail.push(...data.toString('utf8').split('\n').filter((line) => line.length > 0));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const sidecar = { child, url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}`, exited, tail };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${sidecar.adminUrl}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok) return sidecar;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  child.kill('SIGKILL');
  throw new Error(`the sidecar did not become ready:\n${tail.join('\n')}`);
}

interface MemorySample {
  seconds: number;
  rss: number;
  heap: number;
}

/** The sidecar's own view of its memory, from its Prometheus exposition. */
async function sampleMemory(adminUrl: string, seconds: number): Promise<MemorySample | undefined> {
  try {
    const text = await (await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    const sample = { seconds, rss: read('process_resident_memory_bytes'), heap: read('nodejs_heap_size_used_bytes') };
    return Number.isFinite(sample.rss) && Number.isFinite(sample.heap) ? sample : undefined;
  } catch {
    return undefined;
  }
}

function average(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { minutes: { type: 'string' }, concurrency: { type: 'string' }, 'report-seconds': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const minutes = positiveNumber(values.minutes ?? process.env.SOAK_MINUTES, 10, 'minutes');
  const concurrency = Math.floor(positiveNumber(values.concurrency ?? process.env.SOAK_CONCURRENCY, 16, 'concurrency'));
  const reportSeconds = positiveNumber(values['report-seconds'], 30, 'report-seconds');
  const root = repositoryRoot();
  const directory = mkdtempSync(join(tmpdir(), 'sidecar-soak-'));
  const configFile = join(directory, 'config.yaml');
  writeFileSync(
    configFile,
    [
      'server: {host: 127.0.0.1, drainDelayMs: 0, shutdownTimeoutMs: 5000}',
      // A short first-byte timeout makes the `hang` fault cheap; every other timeout keeps its production default.
      'gemini:',
      '  firstByteTimeoutMs: 1000',
      '  retry: {maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200}',
      '',
    ].join('\n'),
  );
  let gemini: FaultyGemini | undefined;
  let sidecar: Sidecar | undefined;
  try {
    gemini = await startFaultyGemini();
    sidecar = await startSidecar(root, gemini.url, configFile);
    console.log(`soak: ${minutes} min, ${concurrency} in flight, sidecar pid ${sidecar.child.pid} at ${sidecar.url}, emulator at ${gemini.url}`);
    return await runLoad(sidecar, gemini, minutes * 60_000, concurrency, reportSeconds * 1000);
  } finally {
    if (sidecar && sidecar.child.exitCode === null) sidecar.child.kill('SIGKILL');
    await gemini?.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function runLoad(sidecar: Sidecar, gemini: FaultyGemini, durationMs: number, concurrency: number, reportMs: number): Promise<number> {
  const started = performance.now();
  let deadline = started + durationMs;
  process.once('SIGINT', () => {
    console.log('soak: SIGINT, stopping early');
    deadline = performance.now();
  });
  const elapsed = () => (performance.now() - started) / 1000;
  let nextId = 0;
  let done = 0;
  const labels = new Map<string, number>();
  /** Details of the first unexpected outcomes (the count is unexpectedCount). */
  const unexpected: string[] = [];
  let unexpectedCount = 0;
  const samples: MemorySample[] = [];
  let sampler = Promise.resolve();
  const timer = setInterval(() => {
    sampler = sampler.then(async () => {
      const sample = await sampleMemory(sidecar.adminUrl, elapsed());
      if (sample) samples.push(sample);
    });
  }, SAMPLE_EVERY_MS);
  let lastReport = 0;
  const reporter = setInterval(() => {
    const now = elapsed();
    const errors = [...labels].filter(([label]) => label !== 'ok').sort(([a], [b]) => a.localeCompare(b));
    const last = samples.at(-1);
    const rate = ((done - lastReport) / (reportMs / 1000)).toFixed(0);
    lastReport = done;
    console.log(
      `[${now.toFixed(0).padStart(5)} s] done ${done} (${rate}/s) ok ${labels.get('ok') ?? 0} errors {${errors.map(([label, count]) => `${label}=${count}`).join(' ')}} unexpected ${unexpectedCount}` +
        ` | sidecar rss ${last ? mib(last.rss) : '?'} heap ${last ? mib(last.heap) : '?'}`,
    );
  }, reportMs);
  const worker = async () => {
    while (performance.now() < deadline) {
      const id = nextId++;
      const result = await call(sidecar.url, id, pick(Math.random()));
      gemini.forget(id);
      done++;
      labels.set(result.label, (labels.get(result.label) ?? 0) + 1);
      if (!result.expected && ++unexpectedCount <= 20) unexpected.push(result.detail ?? result.label);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(timer);
  clearInterval(reporter);
  await sampler;
  const final = await sampleMemory(sidecar.adminUrl, elapsed());
  if (final) samples.push(final);
  sidecar.child.kill('SIGTERM');
  const exitCode = await Promise.race([sidecar.exited, delay(15_000).then(() => 'timeout' as const)]);
  return verdict({ seconds: elapsed(), done, labels, unexpected, unexpectedCount, samples, exitCode, upstream: gemini.requests(), tail: sidecar.tail });
}

function verdict(run: {
  seconds: number;
  done: number;
  labels: Map<string, number>;
  unexpected: string[];
  unexpectedCount: number;
  samples: MemorySample[];
  exitCode: number | null | 'timeout';
  upstream: number;
  tail: string[];
}): number {
  const { samples, seconds } = run;
  const first = samples.filter((sample) => sample.seconds <= seconds / 3);
  const last = samples.filter((sample) => sample.seconds >= (2 * seconds) / 3);
  const [firstRss, lastRss] = [average(first.map((sample) => sample.rss)), average(last.map((sample) => sample.rss))];
  const [firstHeap, lastHeap] = [average(first.map((sample) => sample.heap)), average(last.map((sample) => sample.heap))];
  const growth = firstRss > 0 ? lastRss / firstRss - 1 : 0;
  const enough = first.length > 0 && last.length > 0;
  const grew = enough && growth > LEAK_THRESHOLD;
  const leak = grew && seconds >= CONCLUSIVE_SECONDS;
  console.log(`\nsoak finished after ${seconds.toFixed(0)} s: ${run.done} requests (${(run.done / seconds).toFixed(0)}/s), ${run.upstream} upstream requests`);
  console.log(`outcomes: ${[...run.labels].sort(([a], [b]) => a.localeCompare(b)).map(([label, count]) => `${label}=${count}`).join(' ')}`);
  console.log(`unexpected outcomes: ${run.unexpectedCount}${run.unexpected.length > 0 ? `\n  ${run.unexpected.join('\n  ')}` : ''}`);
  console.log(`sidecar exit after SIGTERM: ${run.exitCode}`);
  if (run.exitCode !== 0) console.log(`sidecar output tail:\n  ${run.tail.join('\n  ')}`);
  console.log(
    `memory: RSS first third ${mib(firstRss)} (${first.length} samples), last third ${mib(lastRss)} (${last.length} samples), ` +
      `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %; heap ${mib(firstHeap)} → ${mib(lastHeap)}`,
  );
  const memoryVerdict = !enough
    ? 'UNKNOWN (too few memory samples)'
    : leak
      ? `LEAK SUSPECTED (RSS grew more than ${LEAK_THRESHOLD * 100} %)`
      : grew
        ? `RSS grew more than ${LEAK_THRESHOLD * 100} %, inconclusive: a run under ${CONCLUSIVE_SECONDS / 60} min mostly measures warm-up`
        : `no leak (RSS growth within ${LEAK_THRESHOLD * 100} %)`;
  const healthy = !leak && enough && run.unexpectedCount === 0 && run.exitCode === 0;
  console.log(`verdict: ${healthy ? 'PASS' : 'FAIL'}: ${memoryVerdict}; ${run.unexpectedCount} unexpected outcomes; exit ${run.exitCode}`);
  return healthy ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
