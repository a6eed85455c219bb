/**
 * `npm run bench`: the sidecar against the same upstream double as a direct call, a bare Express 5 + undici
 * pass-through (the ceiling), Portkey and LiteLLM, in one run with alternating rounds. See test/bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ARM_IDS,
  ARM_LABELS,
  directArm,
  isSidecarArm,
  ensureLitellm,
  startCeiling,
  startDouble,
  startLitellm,
  startPortkey,
  startSidecar,
  type Arm,
  type ArmId,
  type BenchEnv,
  type Double,
  type SidecarArmId,
} from './arms';
import { cannon, manyStreams, percentile, streamLoad } from './load';
import { REPLY_TEXT } from './payloads';
import { killAllNow, processTree, ResourceWatch, rssKb, stopAll, TICKS_PER_SECOND } from './processes';
import { readProfile, summarise, summaryMarkdown } from './profile-summary';
import { targetsSection } from './targets';
import { aggregate, cpu, ms, ratioTable, responsesVersusChat, RESPONSES_TARGET, workloadTable, type NotApplicable, type Results, type Sample } from './report';
import { WORKLOAD_IDS, workloads, type Verdict, type Workload, type WorkloadId } from './workloads';

const ROOT = resolve(__dirname, '../../../..');
const BENCH_DIST = join(ROOT, 'dist/bench/test/bench');

const USAGE = `Usage: npm run bench -- [options]
  --quick                 smoke run (~1.5 min): 1 round of 1 s, 0.3 s warm-up, shorter slow streams
  --rounds N              alternating rounds per workload (default 2; quick 1)
  --duration S            seconds per measured round (default 5)
  --warmup S              seconds of unmeasured load per arm before its first round (default 1)
  --arms LIST             comma-separated, from: ${ARM_IDS.join(', ')} (default all)
  --workloads LIST        comma-separated, from: ${WORKLOAD_IDS.join(', ')} (default all)
  --rate N                request workloads send at most N req/s in all (autocannon overallRate), so every arm's CPU
                          per request is read at the same load rather than each at its own saturation
  --no-litellm            leave LiteLLM out (no install, no start)
  --no-portkey            leave Portkey out
  --memory-limit MiB      run each sidecar arm inside a memory cgroup with that limit (the chart's: 512), as a pod's
                          limit holds it; the report gives its peak and OOM kills (root, cgroup v1 or v2)
  --max-concurrent N      the sidecar arms' server.maxConcurrentRequests (default 2048, config/default.yaml): more
                          slow streams than that are refused with 503 by design
  --node-args=FLAGS       extra node flags for the sidecar arms, as NODE_OPTIONS would give them in a pod
                          (e.g. --node-args=--max-semi-space-size=8; several: --node-args="--a --b")
  --baseline DIR          adds the arm baseline-chart: the sidecar built in DIR (its dist/, config/, package.json;
                          node_modules resolved from DIR), chart-default telemetry, for a before/after in one run
  --slow-streams N        concurrent slow streams (default 1000)
  --slow-chunks N         upstream chunks per slow stream (default 10; quick 6)
  --slow-delay-ms MS      delay between them (default 500; quick 250)
  --slow-ramp-ms MS       the streams are opened evenly over this time (default 2000; quick 1000)
  --slow-timeout S        every slow stream must end within this (default 120; quick 60)
  --python PATH           python for LiteLLM's venv (default python3)
  --cache-dir DIR         where LiteLLM's venv lives (default $XDG_CACHE_HOME or ~/.cache, /openai-gemini-sidecar-bench)
  --litellm-install-timeout S   bound on venv + pip install (default 300)
  --litellm-start-timeout S     bound on LiteLLM start-up (default 90)
  --profile               instead of the comparison: run the sidecar under node --cpu-prof during --profile-workload
                          and summarise the profile (bench-results/profile-latest.md)
  --profile-seconds S     load under the profiler (default 15)
  --profile-workload ID   a request or stream workload (default chat-c32; not slow-streams)
  --profile-otel-off      profile with OTEL_SDK_DISABLED=true (same as --profile-arm sidecar-otel-off)
  --profile-arm ARM       the arm to profile: sidecar, sidecar-chart, sidecar-otel-off, baseline-chart or ceiling
                          (default sidecar)
Results: bench-results/latest.md (and a copy in test/bench/results/<date>.md). Logs: bench-results/logs/.`;

interface Options {
  quick: boolean;
  rounds: number;
  duration: number;
  warmup: number;
  arms: ArmId[];
  workloads: WorkloadId[];
  slowStreams: number;
  slowChunks: number;
  slowDelayMs: number;
  slowRampMs: number;
  slowTimeoutS: number;
  python: string;
  cacheDir: string;
  litellmInstallTimeoutS: number;
  litellmStartTimeoutS: number;
  profile: boolean;
  profileSeconds: number;
  profileWorkload: WorkloadId;
  profileArm: SidecarArmId | 'ceiling';
  baseline: string | undefined;
  maxConcurrent: number | undefined;
  /** Extra node flags for the sidecar arms (e.g. heap sizing), space-separated. */
  nodeArgs: string[];
  memoryLimitMb: number | undefined;
  /** Total req/s for request workloads; undefined: as fast as the arm answers. */
  rate: number | undefined;
  argv: string[];
}

function number(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} expects a positive number, got '${value}'\n${USAGE}`);
  return parsed;
}

function list<T extends string>(value: string | undefined, all: readonly T[], name: string): T[] {
  if (value === undefined) return [...all];
  const picked = value.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of picked) if (!all.includes(item as T)) throw new Error(`--${name}: unknown '${item}' (from: ${all.join(', ')})`);
  return all.filter((item) => picked.includes(item));
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      arms: { type: 'string' },
      workloads: { type: 'string' },
      'no-litellm': { type: 'boolean' },
      rate: { type: 'string' },
      'no-portkey': { type: 'boolean' },
      'slow-streams': { type: 'string' },
      'slow-chunks': { type: 'string' },
      'slow-delay-ms': { type: 'string' },
      'slow-ramp-ms': { type: 'string' },
      'slow-timeout': { type: 'string' },
      python: { type: 'string' },
      'cache-dir': { type: 'string' },
      'litellm-install-timeout': { type: 'string' },
      'litellm-start-timeout': { type: 'string' },
      profile: { type: 'boolean' },
      'profile-seconds': { type: 'string' },
      'profile-workload': { type: 'string' },
      'profile-otel-off': { type: 'boolean' },
      'profile-arm': { type: 'string' },
      baseline: { type: 'string' },
      'max-concurrent': { type: 'string' },
      'node-args': { type: 'string' },
      'memory-limit': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  const quick = values.quick === true;
  let arms = list(values.arms, ARM_IDS, 'arms');
  if (values['no-litellm']) arms = arms.filter((arm) => arm !== 'litellm');
  if (values['no-portkey']) arms = arms.filter((arm) => arm !== 'portkey');
  if (values.baseline === undefined) {
    if (values.arms?.includes('baseline-chart')) throw new Error('--arms baseline-chart needs --baseline DIR');
    arms = arms.filter((arm) => arm !== 'baseline-chart');
  }
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const profileWorkload = list(values['profile-workload'] ?? 'chat-c32', WORKLOAD_IDS, 'profile-workload')[0] as WorkloadId;
  const profilable = [...ARM_IDS.filter(isSidecarArm), 'ceiling'];
  const profileArm = list(values['profile-arm'] ?? (values['profile-otel-off'] ? 'sidecar-otel-off' : 'sidecar'), profilable, 'profile-arm')[0] as SidecarArmId | 'ceiling';
  return {
    quick,
    rounds: Math.round(number(values.rounds, quick ? 1 : 2, 'rounds')),
    duration: number(values.duration, quick ? 1 : 5, 'duration'),
    warmup: number(values.warmup, quick ? 0.3 : 1, 'warmup'),
    arms,
    workloads: list(values.workloads, WORKLOAD_IDS, 'workloads'),
    slowStreams: Math.round(number(values['slow-streams'], 1000, 'slow-streams')),
    slowChunks: Math.round(number(values['slow-chunks'], quick ? 6 : 10, 'slow-chunks')),
    slowDelayMs: number(values['slow-delay-ms'], quick ? 250 : 500, 'slow-delay-ms'),
    slowRampMs: number(values['slow-ramp-ms'], quick ? 1000 : 2000, 'slow-ramp-ms'),
    slowTimeoutS: number(values['slow-timeout'], quick ? 60 : 120, 'slow-timeout'),
    python: values.python ?? 'python3',
    cacheDir: values['cache-dir'] ?? join(cacheRoot, 'openai-gemini-sidecar-bench'),
    litellmInstallTimeoutS: number(values['litellm-install-timeout'], 300, 'litellm-install-timeout'),
    litellmStartTimeoutS: number(values['litellm-start-timeout'], 90, 'litellm-start-timeout'),
    profile: values.profile === true,
    profileSeconds: number(values['profile-seconds'], 15, 'profile-seconds'),
    profileWorkload,
    profileArm,
    baseline: values.baseline === undefined ? undefined : resolve(values.baseline),
    nodeArgs: (values['node-args'] ?? '').split(/\s+/).filter(Boolean),
    maxConcurrent: values['max-concurrent'] === undefined ? undefined : Math.round(number(values['max-concurrent'], 2048, 'max-concurrent')),
    rate: values.rate === undefined ? undefined : Math.round(number(values.rate, 0, 'rate')),
    memoryLimitMb: values['memory-limit'] === undefined ? undefined : Math.round(number(values['memory-limit'], 512, 'memory-limit')),
    argv,
  };
}

const sleep = (msValue: number) => new Promise((done) => setTimeout(done, msValue));

async function setStream(double: Double, chunks: number, delayMs: number): Promise<void> {
  const response = await fetch(`${double.origin}/__bench/stream`, { method: 'PUT', body: JSON.stringify({ chunks, delayMs }) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`double refused the stream shape: HTTP ${response.status}`);
}

// ---- what else runs on the machine ----

function allTicks(): Map<number, { ticks: number; name: string }> {
  const map = new Map<number, { ticks: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      map.set(Number(entry), { ticks: Number(fields[11]) + Number(fields[12]), name });
    } catch {
      // gone
    }
  }
  return map;
}

/** The busiest processes outside this bench over one second, as "name 85%" items, and the 1-minute load average. */
async function otherLoad(): Promise<string> {
  const ours = new Set(processTree(process.pid));
  const before = allTicks();
  await sleep(1000);
  const after = allTicks();
  const busy: Array<{ name: string; share: number }> = [];
  for (const [pid, { ticks, name }] of after) {
    if (ours.has(pid)) continue;
    const share = (ticks - (before.get(pid)?.ticks ?? ticks)) / TICKS_PER_SECOND;
    if (share >= 0.05) busy.push({ name, share });
  }
  busy.sort((a, b) => b.share - a.share);
  const top = busy.slice(0, 4).map((entry) => `${entry.name} ${Math.round(entry.share * 100)}%`);
  return `load average ${loadavg()[0]?.toFixed(2)}; busiest other processes over 1 s: ${top.length > 0 ? top.join(', ') : 'none above 5%'}`;
}

// ---- measuring ----

async function measure(workload: Workload, arm: Arm, double: Double, options: Options, seconds: number): Promise<Sample> {
  const watch = new ResourceWatch(processTree(arm.process.pid));
  const doubleWatch = workload.type === 'slow' && arm.id !== 'direct' ? new ResourceWatch([double.process.pid]) : undefined;
  const generatorStart = process.cpuUsage();
  const request = workload.request(arm);
  const markers = workload.markers(arm);
  let partial: Omit<Sample, 'cpuSeconds' | 'peakRssMb' | 'generatorCpuSeconds'>;
  if (workload.type === 'cannon') {
    const result = await cannon(request, workload.concurrency, seconds, workload.timeoutS, options.rate);
    partial = { ok: result.ok, errors: result.errors, seconds: result.seconds, latencies: result.latencies };
  } else {
    const result =
      workload.type === 'stream'
        ? await streamLoad(request, markers, workload.concurrency, seconds)
        : await manyStreams(request, markers, options.slowStreams, options.slowRampMs, options.slowTimeoutS * 1000);
    partial = {
      ok: result.ok,
      errors: result.errors,
      seconds: result.seconds,
      latencies: result.totals,
      ttfc: result.ttfc,
      events: result.events,
      maxOpen: result.maxOpen,
      ...(result.firstError ? { firstError: result.firstError } : {}),
    };
  }
  const usage = watch.stop();
  const doubleUsage = doubleWatch?.stop();
  const generator = process.cpuUsage(generatorStart);
  return {
    ...partial,
    cpuSeconds: usage.cpuSeconds,
    peakRssMb: usage.peakRssMb,
    doublePeakRssMb: arm.id === 'direct' ? usage.peakRssMb : (doubleUsage?.peakRssMb ?? 0),
    generatorCpuSeconds: (generator.user + generator.system) / 1e6,
  };
}

function progress(workload: Workload, round: string, arm: Arm, sample: Sample): void {
  const rate = sample.seconds > 0 ? sample.ok / sample.seconds : 0;
  const cpuPer = sample.ok > 0 ? (sample.cpuSeconds * 1000) / sample.ok : Number.NaN;
  const ttfc = sample.ttfc ? `  TTFC p50 ${ms(percentile(sample.ttfc, 50))}` : '';
  const errors = sample.errors > 0 ? `  errors ${sample.errors}${sample.firstError ? ` (${sample.firstError.slice(0, 120)})` : ''}` : '';
  const unit = workload.type === 'cannon' ? 'req/s' : 'streams/s';
  console.log(
    `  [${workload.id} ${round}] ${arm.id.padEnd(17)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} ${unit}  p50 ${ms(percentile(sample.latencies, 50))}  p99 ${ms(percentile(sample.latencies, 99))}${ttfc}  CPU ${cpu(cpuPer)}/req  RSS ${Math.round(sample.peakRssMb)} MB${errors}`,
  );
}

/**
 * Unmeasured load so the arm's code is compiled before its first round. A slow-stream workload is warmed with fast
 * streams of the same request (8 at a time), then the double goes back to the slow shape: otherwise the first
 * streams of the burst run through unoptimised code and the first-chunk times measure the JIT, not the arm.
 */
async function warm(workload: Workload, arm: Arm, seconds: number, double: Double, options: Options): Promise<void> {
  const request = workload.request(arm);
  const markers = workload.markers(arm);
  if (workload.type === 'cannon') await cannon(request, workload.concurrency, seconds, workload.timeoutS);
  else if (workload.type === 'stream') await streamLoad(request, markers, workload.concurrency, seconds);
  else {
    await setStream(double, 10, 0);
    await streamLoad(request, markers, 8, seconds);
    await setStream(double, options.slowChunks, options.slowDelayMs);
  }
}

// ---- the comparison ----

interface RunNotes {
  setup: string[];
  notes: string[];
}

async function startArms(options: Options, env: BenchEnv, double: Double, notes: RunNotes): Promise<Arm[]> {
  const arms: Arm[] = [];
  for (const id of options.arms) {
    const started = Date.now();
    try {
      let arm: Arm;
      if (id === 'direct') arm = directArm(double);
      else if (isSidecarArm(id)) arm = await startSidecar(env, double, id);
      else if (id === 'ceiling') arm = await startCeiling(env, double);
      else if (id === 'portkey') arm = await startPortkey(env, double);
      else {
        const venv = await ensureLitellm(env, options.cacheDir, options.python, options.litellmInstallTimeoutS * 1000);
        arm = await startLitellm(env, double, venv, options.litellmStartTimeoutS * 1000);
      }
      arms.push(arm);
      console.log(`started ${ARM_LABELS[id]} (${arm.origin}, pid ${arm.process.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      const reason = (error as Error).message;
      console.log(`SKIPPED ${ARM_LABELS[id]}: ${reason}`);
      notes.notes.push(`**${ARM_LABELS[id]} skipped**: ${reason}`);
    }
  }
  return arms;
}

function estimateSeconds(options: Options, armCount: number): number {
  const timed = options.workloads.filter((id) => id !== 'slow-streams').length;
  const slow = options.workloads.includes('slow-streams') ? armCount * ((options.slowChunks * options.slowDelayMs + options.slowRampMs) / 1000 + 2) : 0;
  return timed * armCount * (options.rounds * (options.duration + 0.3) + options.warmup + 0.5) + slow;
}

/**
 * The workloads in run order, a workload and the one it is compared with (`pairedWith`: responses-c32 with chat-c32)
 * in one block, so their rounds alternate and a burst of load elsewhere on the machine falls on both alike.
 */
function interleaved(list: Workload[]): Workload[][] {
  const blocks: Workload[][] = [];
  for (const workload of list) {
    const partner = blocks.find((block) => block.some((other) => other.id === workload.pairedWith));
    if (partner) partner.push(workload);
    else blocks.push([workload]);
  }
  return blocks;
}

/** Checks every arm once for `workload` and returns the arms to measure; notes what is n/a, a warning or a failure. */
async function checkArms(
  workload: Workload,
  arms: Arm[],
  double: Double,
  options: Options,
  record: { verdicts: Map<string, Verdict>; notApplicable: Map<ArmId, string>; notes: RunNotes },
): Promise<Arm[]> {
  if (workload.type === 'stream') await setStream(double, 10, 0);
  if (workload.type === 'slow') await setStream(double, options.slowChunks, options.slowDelayMs);
  const eligible: Arm[] = [];
  for (const arm of arms) {
    const streamVerdict = record.verdicts.get(`stream/${arm.id}`);
    let verdict: Verdict;
    const unsupported = workload.unsupported?.(arm);
    if (unsupported) verdict = { level: 'na', message: unsupported };
    else if (workload.type === 'slow' && streamVerdict?.level === 'fail') verdict = { level: 'fail', message: 'its streaming check failed' };
    else {
      try {
        verdict = await workload.verify(arm);
      } catch (error) {
        verdict = { level: 'fail', message: (error as Error).message };
      }
    }
    record.verdicts.set(`${workload.id}/${arm.id}`, verdict);
    if (verdict.level === 'na') {
      console.log(`  check ${arm.id}: n/a, ${verdict.message ?? ''}`);
      record.notApplicable.set(arm.id, verdict.message ?? 'does not serve this endpoint');
      continue;
    }
    if (verdict.level !== 'ok') {
      console.log(`  check ${arm.id}: ${verdict.level.toUpperCase()} ${verdict.message ?? ''}`);
      record.notes.notes.push(`${workload.id}, ${ARM_LABELS[arm.id]}: ${verdict.level === 'fail' ? '**not measured**, ' : ''}${verdict.message ?? ''}`);
    }
    if (verdict.level !== 'fail') eligible.push(arm);
  }
  return eligible;
}

async function runComparison(options: Options, env: BenchEnv): Promise<void> {
  const runStarted = new Date();
  const notes: RunNotes = { setup: [], notes: [] };
  const loadBefore = await otherLoad();
  const double = await startDouble(env);
  console.log(`upstream double at ${double.origin} (pid ${double.process.pid})`);
  const arms = await startArms(options, env, double, notes);
  const idle = await idleRss(arms, env);
  const expected = estimateSeconds(options, arms.length);
  console.log(`\nmeasuring ${arms.length} arms × ${options.workloads.length} workloads, about ${Math.round(expected)} s\n`);
  const results: Results = new Map();
  const na: NotApplicable = new Map();
  const list = workloads(REPLY_TEXT).filter((workload) => options.workloads.includes(workload.id));
  const verdicts = new Map<string, Verdict>();
  for (const block of interleaved(list)) {
    const eligible = new Map<WorkloadId, Arm[]>();
    for (const workload of block) {
      console.log(`${workload.id}: ${workload.title}`);
      const notApplicable = new Map<ArmId, string>();
      na.set(workload.id, notApplicable);
      eligible.set(workload.id, await checkArms(workload, arms, double, options, { verdicts, notApplicable, notes }));
      results.set(workload.id, new Map<ArmId, Sample[]>());
    }
    // A block's workloads share one type, so one stream shape serves them all (checkArms set it).
    const rounds = block[0]?.type === 'slow' ? 1 : options.rounds;
    for (let round = 0; round < rounds; round += 1) {
      // Alternate the order so no arm (and no workload of a pair) always runs first, or right after the heaviest one.
      for (const workload of round % 2 === 0 ? block : [...block].reverse()) {
        const byArm = results.get(workload.id)!;
        const measured = eligible.get(workload.id) ?? [];
        for (const arm of round % 2 === 0 ? measured : [...measured].reverse()) {
          if (!arm.process.alive()) {
            notes.notes.push(`${ARM_LABELS[arm.id]} died during ${workload.id} (see ${arm.process.logFile})`);
            continue;
          }
          if (round === 0) await warm(workload, arm, options.warmup, double, options);
          const sample = await measure(workload, arm, double, options, options.duration);
          progress(workload, `${round + 1}/${rounds}`, arm, sample);
          byArm.set(arm.id, [...(byArm.get(arm.id) ?? []), sample]);
          await sleep(workload.type === 'slow' ? 1000 : 200);
        }
      }
    }
  }
  await setStream(double, 10, 0);
  const oomKills = new Map<ArmId, number>();
  for (const [id, cgroup] of env.memoryCgroups ?? []) {
    const { peakMb, oomKills: kills } = cgroup.usage();
    oomKills.set(id as ArmId, kills);
    notes.notes.push(`${ARM_LABELS[id as ArmId]} ran in a ${cgroup.limitMb} MiB memory cgroup (Node sized its heap from it): peak ${peakMb === undefined ? 'not reported' : `${Math.round(peakMb)} MiB`}, OOM kills ${kills}`);
  }
  const loadAfter = await otherLoad();
  const targets = targetsSection({
    results,
    idleRssMb: idle.mb,
    slow: { count: options.slowStreams, chunks: options.slowChunks, delayMs: options.slowDelayMs, rampMs: options.slowRampMs },
    memoryLimitMb: options.memoryLimitMb,
    oomKills,
  });
  const markdown = renderReport(options, arms, list, { results, na }, notes, { runStarted, loadBefore, loadAfter, idle: idle.lines, targets });
  console.log(`\n${markdown}`);
  save(markdown, options.quick ? 'quick' : undefined);
}

/** How long every arm has been up, without a request, when its idle RSS is read. */
const IDLE_SETTLE_MS = 5_000;

/** Each gateway arm's resident set before any request (the sidecar's target: idle RSS ≤ 90 MB), as a report section. */
async function idleRss(arms: Arm[], env: BenchEnv): Promise<{ lines: string[]; mb: Map<ArmId, number> }> {
  await sleep(IDLE_SETTLE_MS);
  const mb = new Map(arms.filter((arm) => arm.id !== 'direct').map((arm) => [arm.id, rssKb(processTree(arm.process.pid)) / 1024] as const));
  const rows = [...mb].map(([id, value]) => `| ${ARM_LABELS[id]} | ${value.toFixed(1)} MB |`);
  const limit = env.memoryLimitMb === undefined ? '' : `; the sidecar arms inside a ${env.memoryLimitMb} MiB memory cgroup, Node sizing its heap from it as in a pod`;
  const lines = [
    '## Idle RSS',
    '',
    `Each arm's process tree (VmRSS) at least ${IDLE_SETTLE_MS / 1000} s after it started, before any request${limit}.`,
    '',
    '| arm | idle RSS |',
    '|---|---|',
    ...rows,
    '',
  ];
  return { lines, mb };
}

function gitDescribe(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'sidecar'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes under sidecar/' : ''}`;
  } catch {
    return 'unknown';
  }
}

function renderReport(
  options: Options,
  arms: Arm[],
  list: Workload[],
  { results, na }: { results: Results; na: NotApplicable },
  notes: RunNotes,
  run: { runStarted: Date; loadBefore: string; loadAfter: string; idle: string[]; targets: string[] },
): string {
  const minutes = (Date.now() - run.runStarted.getTime()) / 60_000;
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [];
  lines.push(`# Sidecar bench — ${run.runStarted.toISOString().slice(0, 16).replace('T', ' ')} UTC${options.quick ? ' (quick)' : ''}`, '');
  lines.push(
    `- Command: \`npm run bench${options.argv.length > 0 ? ` -- ${options.argv.join(' ')}` : ''}\`; ${options.rounds} alternating rounds of ${options.duration} s per workload (${options.warmup} s warm-up per arm), ${minutes.toFixed(1)} min in all.`,
    `- Machine: ${cpus().length} × ${cpuModel}, Node ${process.version}. Load generator, upstream double and the arm share these cores: compare ratios within this run, not absolute numbers across machines.`,
    `- Sidecar commit ${gitDescribe()}; ${arms.map((arm) => `${arm.id} ${arm.version}`).filter((entry) => !entry.endsWith(' -')).join('; ')}.`,
    `- Before: ${run.loadBefore}. After: ${run.loadAfter}.`,
    '- Upstream: test/bench/upstream-double.ts, precomputed bodies (no validation). CPU is the arm\'s process tree (utime+stime from /proc/<pid>/stat) over the measured window ÷ successful requests; peak RSS is VmHWM after a reset (clear_refs) or sampled VmRSS, whichever is higher. Latency is per request at the client (autocannon), TTFC the time to the first event with content.',
    '- The sidecar runs as `npm start` does (dist/, instrumentation preloaded, config/default.yaml) except: host 127.0.0.1, drainDelayMs 0, access log (stdout) to /dev/null, spans to an OTLP sink in the double.',
    '',
  );
  lines.push(...run.targets, ...run.idle);
  for (const workload of list) {
    const byArm = results.get(workload.id);
    if (!byArm || byArm.size === 0) continue;
    const title = workload.type === 'slow' ? `${options.slowStreams.toLocaleString('en-US')} concurrent slow streams (memory)` : workload.title;
    lines.push(`## ${workload.id}: ${title}`, '');
    const slow = { count: options.slowStreams, chunks: options.slowChunks, delayMs: options.slowDelayMs, rampMs: options.slowRampMs };
    lines.push(...workloadTable(workload, byArm, slow, na.get(workload.id)), '');
  }
  const versus = responsesVersusChat(results);
  if (versus.length > 0) {
    lines.push('## Responses vs chat', '', `CPU per request of the same answer on \`/v1/responses\` ÷ on \`/v1/chat/completions\`, per arm, within this run. Target for the sidecar: within ${Math.round((RESPONSES_TARGET - 1) * 100)} % (ratio ≤ ${RESPONSES_TARGET.toFixed(2)}).`, '');
    lines.push(...versus, '');
  }
  lines.push('## Ratios', '', 'Throughput: sidecar ÷ other (above 1 = the sidecar serves more). CPU per request, latency and RSS: sidecar ÷ other (below 1 = the sidecar is cheaper or faster). n/a: the other arm does not serve that endpoint.', '');
  lines.push(...ratioTable(results, list, na), '');
  const sidecar = results.get('chat-c32')?.get('sidecar');
  const ceiling = results.get('chat-c32')?.get('ceiling');
  if (sidecar && ceiling) {
    const a = aggregate(sidecar);
    const b = aggregate(ceiling);
    lines.push(`Headline (chat, 32 connections): the sidecar does ${Math.round(a.rate).toLocaleString('en-US')} req/s at ${cpu(a.cpuPerRequestMs)} CPU per request; the bare Express + undici ceiling ${Math.round(b.rate).toLocaleString('en-US')} req/s at ${cpu(b.cpuPerRequestMs)}.`, '');
  }
  if (notes.notes.length > 0) {
    lines.push('## Notes', '', ...notes.notes.map((note) => `- ${note}`), '');
  }
  return lines.join('\n');
}

function save(markdown: string, suffix?: string): void {
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const latest = join(dir, suffix === 'profile' ? 'profile-latest.md' : 'latest.md');
  writeFileSync(latest, `${markdown}\n`);
  const committed = join(ROOT, 'test/bench/results');
  mkdirSync(committed, { recursive: true });
  const copy = join(committed, `${new Date().toISOString().slice(0, 10)}${suffix ? `-${suffix}` : ''}.md`);
  copyFileSync(latest, copy);
  console.log(`written to ${latest} and ${copy}`);
}

// ---- the profile ----

async function runProfile(options: Options, env: BenchEnv): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(ROOT, 'bench-results', 'profiles', stamp);
  mkdirSync(dir, { recursive: true });
  const workload = workloads().find((entry) => entry.id === options.profileWorkload);
  if (!workload || workload.type === 'slow') throw new Error(`--profile-workload must be a request or stream workload, got ${options.profileWorkload}`);
  const double = await startDouble(env);
  if (workload.type === 'stream') await setStream(double, 10, 0);
  const profilerArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const arm =
    options.profileArm === 'ceiling'
      ? await startCeiling(env, double, profilerArgs)
      : await startSidecar({ ...env, sidecarNodeArgs: [...(env.sidecarNodeArgs ?? []), ...profilerArgs] }, double, options.profileArm);
  console.log(`${ARM_LABELS[options.profileArm]} under --cpu-prof, ${workload.id} for ${options.profileSeconds} s after a 2 s warm-up`);
  const warmup =
    workload.type === 'cannon'
      ? await cannon(workload.request(arm), workload.concurrency, 2, workload.timeoutS)
      : await streamLoad(workload.request(arm), workload.markers(arm), workload.concurrency, 2);
  const sample = await measure(workload, arm, double, options, options.profileSeconds);
  progress(workload, 'profiled', arm, sample);
  const exit = await arm.process.stop(30_000);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the sidecar exited (${exit}) without writing a .cpuprofile to ${dir}`);
  const summary = summarise(readProfile(join(dir, file)));
  const markdown = [
    `# CPU profile — ${workload.id}, ${ARM_LABELS[options.profileArm]}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${Math.round(sample.ok / sample.seconds).toLocaleString('en-US')} req/s while profiled (the profiler slows it down), ${warmup.ok + sample.ok} requests in the profile (2 s warm-up included). Start-up is in the profile too.`,
    '',
    summaryMarkdown(summary, join('bench-results/profiles', stamp, file), warmup.ok + sample.ok),
  ].join('\n');
  console.log(`\n${markdown}`);
  save(markdown, 'profile');
}

// ---- entry ----

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  for (const file of [join(ROOT, 'dist/sidecar/main.js'), join(BENCH_DIST, 'upstream-double.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run through \`npm run bench\`, which builds first`);
  }
  const logsDir = join(ROOT, 'bench-results', 'logs');
  rmSync(logsDir, { recursive: true, force: true });
  mkdirSync(logsDir, { recursive: true });
  const tmpDir = mkdtempSync(join(tmpdir(), 'sidecar-bench-'));
  const env: BenchEnv = {
    root: ROOT, logsDir, tmpDir, node: process.execPath, baselineRoot: options.baseline, maxConcurrent: options.maxConcurrent,
    sidecarNodeArgs: options.nodeArgs,
    memoryLimitMb: options.memoryLimitMb, memoryCgroups: new Map(),
  };
  try {
    if (options.profile) await runProfile(options, env);
    else await runComparison(options, env);
  } finally {
    await stopAll(5000);
    for (const cgroup of env.memoryCgroups?.values() ?? []) cgroup.remove();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) {
      killAllNow();
      process.exit(130);
    }
    interrupted = true;
    console.error(`\n${signal}: stopping every child process...`);
    void stopAll(2000).finally(() => process.exit(130));
  });
}
process.on('exit', killAllNow);

main().then(
  () => {
    process.exitCode = 0;
  },
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await stopAll(2000);
    process.exitCode = 1;
  },
);
