/**
 * The performance targets of issue 19, each judged from one run's measurements: met or missed, and by how much.
 * A target whose workload or arm did not run says which options measure it.
 */
import type { ArmId } from './arms';
import { aggregate, cpu, ms, type Aggregate, type Results } from './report';
import type { WorkloadId } from './workloads';

/** The chart's default container memory limit (charts/openai-gemini-sidecar/values.yaml), MiB. */
export const CHART_MEMORY_LIMIT_MB = 512;

export interface TargetContext {
  results: Results;
  /** Idle RSS per arm, MB. */
  idleRssMb: Map<ArmId, number>;
  slow: { count: number; chunks: number; delayMs: number; rampMs: number };
  memoryLimitMb: number | undefined;
  /** OOM kills per arm run in a memory cgroup. */
  oomKills: Map<ArmId, number>;
}

interface Line {
  target: string;
  measured: string;
  /** Undefined: not measured in this run. */
  met?: boolean;
  by?: string;
}

const times = (value: number): string => `${value.toFixed(2)}×`;

function get(context: TargetContext, workload: WorkloadId, arm: ArmId): Aggregate | undefined {
  const samples = context.results.get(workload)?.get(arm);
  return samples && samples.length > 0 ? aggregate(samples) : undefined;
}

/** A ratio target "at most `bound`×": the verdict and the distance from it. */
function atMost(target: string, value: number, bound: number, detail: string): Line {
  const met = value <= bound;
  return { target, measured: `${times(value)} (${detail})`, met, by: met ? `${times(bound - value)} under` : `over by ${times(value - bound)} (${Math.round((value / bound - 1) * 100)} %)` };
}

function atLeast(target: string, value: number, bound: number, detail: string): Line {
  const met = value >= bound;
  return { target, measured: `${times(value)} (${detail})`, met, by: met ? `${times(value - bound)} over` : `short by ${times(bound - value)} (${Math.round((1 - value / bound) * 100)} %)` };
}

function missing(target: string, how: string): Line {
  return { target, measured: `not measured in this run (${how})` };
}

function cpuRatio(context: TargetContext, workload: WorkloadId, arm: ArmId, target: string, bound: number, how: string): Line {
  const sidecar = get(context, workload, arm);
  const ceiling = get(context, workload, 'ceiling');
  if (!sidecar || !ceiling) return missing(target, how);
  return atMost(target, sidecar.cpuPerRequestMs / ceiling.cpuPerRequestMs, bound, `${cpu(sidecar.cpuPerRequestMs)} vs ${cpu(ceiling.cpuPerRequestMs)}`);
}

function versusPortkey(context: TargetContext, workload: WorkloadId, target: string, bound: number, how: string): Line {
  const sidecar = get(context, workload, 'sidecar-chart');
  const portkey = get(context, workload, 'portkey');
  if (!sidecar || !portkey) return missing(target, how);
  return atLeast(target, sidecar.rate / portkey.rate, bound, `${Math.round(sidecar.rate).toLocaleString('en-US')} vs ${Math.round(portkey.rate).toLocaleString('en-US')}/s`);
}

function firstChunks(context: TargetContext): Line[] {
  const target = '1,000 slow streams opened over 1 s, chart-default telemetry: first chunk p50 ≤ 5 ms, p99 ≤ 50 ms';
  const how = '--workloads slow-streams --slow-streams 1000 --slow-ramp-ms 1000 --arms sidecar-chart';
  const value = get(context, 'slow-streams', 'sidecar-chart');
  if (!value || context.slow.count !== 1000 || context.slow.rampMs !== 1000) return [missing(target, how)];
  const met = value.ttfc50 <= 5 && value.ttfc99 <= 50;
  const ceiling = get(context, 'slow-streams', 'ceiling');
  const over = [value.ttfc50 > 5 ? `p50 over by ${ms(value.ttfc50 - 5)}` : '', value.ttfc99 > 50 ? `p99 over by ${ms(value.ttfc99 - 50)}` : ''].filter(Boolean).join(', ');
  return [
    {
      target,
      measured: `p50 ${ms(value.ttfc50)}, p99 ${ms(value.ttfc99)}${ceiling ? ` (ceiling: ${ms(ceiling.ttfc50)}, ${ms(ceiling.ttfc99)})` : ''}`,
      met,
      by: met ? 'both within' : over,
    },
  ];
}

function manyStreams(context: TargetContext): Line[] {
  const seconds = (context.slow.chunks * context.slow.delayMs) / 1000;
  const target = `2,000 slow streams of 30 s inside the chart's ${CHART_MEMORY_LIMIT_MB} MiB limit: all complete, none cut`;
  const how = `--workloads slow-streams --slow-streams 2000 --slow-chunks 60 --slow-delay-ms 500 --memory-limit ${CHART_MEMORY_LIMIT_MB} --node-args=--max-semi-space-size=4 (the chart's heap setting)`;
  const value = get(context, 'slow-streams', 'sidecar-chart');
  if (!value || context.slow.count < 2000 || seconds < 30 || context.memoryLimitMb !== CHART_MEMORY_LIMIT_MB) return [missing(target, how)];
  const oom = context.oomKills.get('sidecar-chart') ?? 0;
  const met = value.ok === context.slow.count && value.errors === 0 && oom === 0;
  const idle = context.idleRssMb.get('sidecar-chart');
  const perThousand = idle === undefined ? Number.NaN : ((value.peakRssMb - idle) * 1000) / context.slow.count;
  return [
    {
      target,
      measured: `${value.ok.toLocaleString('en-US')} of ${context.slow.count.toLocaleString('en-US')} completed, ${value.errors} failed, ${oom} OOM kills, peak RSS ${Math.round(value.peakRssMb)} MB${Number.isFinite(perThousand) ? ` (${Math.round(perThousand)} MB per 1,000 streams above idle)` : ''}`,
      met,
      by: met ? 'all' : `${(context.slow.count - value.ok).toLocaleString('en-US')} streams short`,
    },
  ];
}

function idleRss(context: TargetContext): Line {
  const target = `Idle RSS ≤ 90 MB (chart-default sidecar${context.memoryLimitMb === undefined ? ', no memory limit' : `, in a ${context.memoryLimitMb} MiB limit`})`;
  const value = context.idleRssMb.get('sidecar-chart');
  if (value === undefined) return missing(target, '--arms sidecar-chart');
  const ceiling = context.idleRssMb.get('ceiling');
  const met = value <= 90;
  return { target, measured: `${value.toFixed(1)} MB${ceiling === undefined ? '' : ` (ceiling ${ceiling.toFixed(1)} MB)`}`, met, by: met ? `${(90 - value).toFixed(1)} MB under` : `over by ${(value - 90).toFixed(1)} MB` };
}

function responses(context: TargetContext): Line[] {
  const pairs: Array<[WorkloadId, WorkloadId, string]> = [
    ['chat-c32', 'responses-c32', 'unary'],
    ['stream', 'responses-stream', 'streaming'],
  ];
  return pairs.map(([chatId, responsesId, name]) => {
    const target = `Responses within 15 % of chat's CPU per request, ${name}`;
    const chat = get(context, chatId, 'sidecar-chart');
    const answer = get(context, responsesId, 'sidecar-chart');
    if (!chat || !answer) return missing(target, `--workloads ${chatId},${responsesId} --arms sidecar-chart`);
    return atMost(target, answer.cpuPerRequestMs / chat.cpuPerRequestMs, 1.15, `${cpu(answer.cpuPerRequestMs)} vs ${cpu(chat.cpuPerRequestMs)}`);
  });
}

/**
 * Embeddings do other work than chat (100 inputs, 768 floats each), so "the same work" is read as the same
 * pass-through: the sidecar's CPU over the ceiling's on embeddings, within 15 % of that ratio on chat.
 */
function embeddings(context: TargetContext): Line {
  const target = "Embeddings within 15 % of chat's CPU (sidecar ÷ ceiling on embeddings, over the same on chat)";
  const how = '--workloads chat-c32,embeddings --arms sidecar-chart,ceiling';
  const chat = get(context, 'chat-c32', 'sidecar-chart');
  const chatCeiling = get(context, 'chat-c32', 'ceiling');
  const embed = get(context, 'embeddings', 'sidecar-chart');
  const embedCeiling = get(context, 'embeddings', 'ceiling');
  if (!chat || !chatCeiling || !embed || !embedCeiling) return missing(target, how);
  const embedRatio = embed.cpuPerRequestMs / embedCeiling.cpuPerRequestMs;
  const chatRatio = chat.cpuPerRequestMs / chatCeiling.cpuPerRequestMs;
  return atMost(target, embedRatio / chatRatio, 1.15, `embeddings ${times(embedRatio)} the ceiling, chat ${times(chatRatio)}`);
}

/** One line per target, in the issue's order. */
export function targetLines(context: TargetContext): Line[] {
  return [
    cpuRatio(context, 'chat-c32', 'sidecar-chart', 'Unary chat, 32 connections, chart-default telemetry: CPU per request ≤ 1.5× the ceiling', 1.5, '--workloads chat-c32 --arms sidecar-chart,ceiling'),
    cpuRatio(context, 'chat-c32', 'sidecar', 'Unary chat, every request traced and exported over OTLP: CPU per request ≤ 2× the ceiling', 2, '--workloads chat-c32 --arms sidecar,ceiling'),
    cpuRatio(context, 'stream', 'sidecar-chart', 'Streaming: CPU per stream ≤ 1.5× the ceiling', 1.5, '--workloads stream --arms sidecar-chart,ceiling'),
    ...firstChunks(context),
    versusPortkey(context, 'chat-c32', 'Unary req/s ≥ 6× Portkey (chart-default sidecar)', 6, '--workloads chat-c32 --arms sidecar-chart,portkey'),
    versusPortkey(context, 'stream', 'Streams/s ≥ 3× Portkey (chart-default sidecar)', 3, '--workloads stream --arms sidecar-chart,portkey'),
    ...manyStreams(context),
    idleRss(context),
    ...responses(context),
    embeddings(context),
  ];
}

/** The targets as a report section. */
export function targetsSection(context: TargetContext): string[] {
  const lines = targetLines(context);
  const verdict = (line: Line): string => (line.met === undefined ? '—' : line.met ? `met (${line.by})` : `**missed**: ${line.by}`);
  return [
    '## Targets (issue 19)',
    '',
    'Ratios within this run. A target this run did not measure names the options that do.',
    '',
    '| target | measured | verdict |',
    '|---|---|---|',
    ...lines.map((line) => `| ${line.target} | ${line.measured} | ${verdict(line)} |`),
    '',
  ];
}
