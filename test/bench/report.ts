/**
 * Aggregates the rounds of each (workload, arm) and renders the Markdown report.
 */
import { ARM_LABELS, isSidecarArm, type ArmId } from './arms';
import { percentile } from './load';
import type { Workload, WorkloadId } from './workloads';

/** One measured round of one arm on one workload. */
export interface Sample {
  ok: number;
  errors: number;
  seconds: number;
  /** Request latencies (cannon) or whole-stream durations (streams), ms. */
  latencies: Float64Array;
  ttfc?: Float64Array;
  events?: number;
  maxOpen?: number;
  /** CPU seconds of the arm's process tree (the double's for the direct arm). */
  cpuSeconds: number;
  peakRssMb: number;
  doublePeakRssMb?: number;
  /** CPU seconds the bench process itself (load generator) used. */
  generatorCpuSeconds: number;
  firstError?: string;
}

export interface Aggregate {
  rounds: number[];
  rate: number;
  p50: number;
  p99: number;
  ttfc50: number;
  ttfc99: number;
  eventsPerSecond: number;
  cpuPerRequestMs: number;
  cpuSeconds: number;
  peakRssMb: number;
  doublePeakRssMb: number;
  errors: number;
  ok: number;
  maxOpen: number;
  generatorCpu: number;
  firstError?: string;
}

function concat(arrays: Array<Float64Array | undefined>): Float64Array {
  const present = arrays.filter((array): array is Float64Array => array !== undefined);
  const out = new Float64Array(present.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of present) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

export function aggregate(samples: Sample[]): Aggregate {
  const rounds = samples.map((sample) => (sample.seconds > 0 ? sample.ok / sample.seconds : 0));
  const latencies = concat(samples.map((sample) => sample.latencies));
  const ttfc = concat(samples.map((sample) => sample.ttfc));
  const ok = samples.reduce((sum, sample) => sum + sample.ok, 0);
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const cpuSeconds = samples.reduce((sum, sample) => sum + sample.cpuSeconds, 0);
  const events = samples.reduce((sum, sample) => sum + (sample.events ?? 0), 0);
  const generator = samples.reduce((sum, sample) => sum + sample.generatorCpuSeconds, 0);
  const firstError = samples.find((sample) => sample.firstError)?.firstError;
  return {
    rounds,
    rate: rounds.reduce((sum, value) => sum + value, 0) / Math.max(1, rounds.length),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ttfc50: percentile(ttfc, 50),
    ttfc99: percentile(ttfc, 99),
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    cpuPerRequestMs: ok > 0 ? (cpuSeconds * 1000) / ok : Number.NaN,
    cpuSeconds,
    peakRssMb: Math.max(0, ...samples.map((sample) => sample.peakRssMb)),
    doublePeakRssMb: Math.max(0, ...samples.map((sample) => sample.doublePeakRssMb ?? 0)),
    errors: samples.reduce((sum, sample) => sum + sample.errors, 0),
    ok,
    maxOpen: Math.max(0, ...samples.map((sample) => sample.maxOpen ?? 0)),
    generatorCpu: seconds > 0 ? generator / seconds : 0,
    ...(firstError ? { firstError } : {}),
  };
}

// ---- formatting ----

const int = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—');

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

function signedMs(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`;
}

export function cpu(valueMs: number): string {
  if (!Number.isFinite(valueMs)) return '—';
  if (valueMs < 1) return `${Math.round(valueMs * 1000)} µs`;
  if (valueMs < 100) return `${valueMs.toFixed(2)} ms`;
  return `${Math.round(valueMs).toLocaleString('en-US')} ms`;
}

const mb = (value: number): string => (value > 0 ? `${Math.round(value)} MB` : '—');
const ratio = (value: number): string => (Number.isFinite(value) && value > 0 ? `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×` : '—');

function rate(aggregateValue: Aggregate): string {
  const rounds = aggregateValue.rounds.map((value) => int(value)).join(' / ');
  return aggregateValue.rounds.length > 1 ? `${int(aggregateValue.rate)} (${rounds})` : int(aggregateValue.rate);
}

export type Results = Map<WorkloadId, Map<ArmId, Sample[]>>;
/** Per workload, the arms that do not serve its endpoint, and why. */
export type NotApplicable = Map<WorkloadId, Map<ArmId, string>>;

function label(arm: ArmId): string {
  return ARM_LABELS[arm];
}

function errorsCell(value: Aggregate): string {
  if (value.errors === 0) return '0';
  return value.firstError ? `${int(value.errors)}¹` : int(value.errors);
}

/** The table of one workload. */
export function workloadTable(
  workload: Workload,
  byArm: Map<ArmId, Sample[]>,
  slow?: { count: number; chunks: number; delayMs: number; rampMs: number },
  notApplicable?: Map<ArmId, string>,
): string[] {
  const aggregates = new Map([...byArm].map(([arm, samples]) => [arm, aggregate(samples)] as const));
  const direct = aggregates.get('direct');
  const lines: string[] = [];
  const footnotes: string[] = [];
  const note = (arm: ArmId, value: Aggregate): void => {
    if (value.firstError) footnotes.push(`¹ ${label(arm)}: ${value.firstError.replace(/\s+/g, ' ').slice(0, 200)}`);
  };
  if (workload.type === 'cannon') {
    lines.push('| arm | req/s (rounds) | p50 | p99 | p50 vs direct | CPU / request | peak RSS | errors | load-gen CPU |', '|---|---|---|---|---|---|---|---|---|');
    for (const [arm, value] of aggregates) {
      const added = arm === 'direct' || !direct ? '—' : signedMs(value.p50 - direct.p50);
      const cpuCell = arm === 'direct' ? `${cpu(value.cpuPerRequestMs)} (double)` : cpu(value.cpuPerRequestMs);
      const rss = arm === 'direct' ? `${mb(value.peakRssMb)} (double)` : mb(value.peakRssMb);
      lines.push(`| ${label(arm)} | ${rate(value)} | ${ms(value.p50)} | ${ms(value.p99)} | ${added} | ${cpuCell} | ${rss} | ${errorsCell(value)} | ${Math.round(value.generatorCpu * 100)}% |`);
      note(arm, value);
    }
  } else if (workload.type === 'stream') {
    lines.push(
      '| arm | streams/s (rounds) | chunks/s | TTFC p50 | TTFC p99 | TTFC p50 vs direct | stream p50 | CPU / stream | peak RSS | errors |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const [arm, value] of aggregates) {
      const added = arm === 'direct' || !direct ? '—' : signedMs(value.ttfc50 - direct.ttfc50);
      const cpuCell = arm === 'direct' ? `${cpu(value.cpuPerRequestMs)} (double)` : cpu(value.cpuPerRequestMs);
      lines.push(
        `| ${label(arm)} | ${rate(value)} | ${int(value.eventsPerSecond)} | ${ms(value.ttfc50)} | ${ms(value.ttfc99)} | ${added} | ${ms(value.p50)} | ${cpuCell} | ${mb(value.peakRssMb)} | ${errorsCell(value)} |`,
      );
      note(arm, value);
    }
  } else {
    const ideal = slow ? slow.chunks * slow.delayMs : Number.NaN;
    lines.push(
      `Each stream: ${slow?.chunks ?? '?'} upstream chunks ${slow?.delayMs ?? '?'} ms apart (≥ ${ms(ideal)} per stream), ${slow?.count ?? '?'} streams opened evenly over ${ms(slow?.rampMs ?? Number.NaN)}; "max open" is the most streams open at once at the client.`,
      '',
      '| arm | completed | max open | TTFC p50 | TTFC p99 | duration p50 | duration p99 | CPU total | CPU / stream | peak RSS | double peak RSS |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const [arm, value] of aggregates) {
      const completed = `${int(value.ok)} / ${int(value.ok + value.errors)}${value.errors > 0 && value.firstError ? '¹' : ''}`;
      lines.push(
        `| ${label(arm)} | ${completed} | ${int(value.maxOpen)} | ${ms(value.ttfc50)} | ${ms(value.ttfc99)} | ${ms(value.p50)} | ${ms(value.p99)} | ${value.cpuSeconds.toFixed(2)} s | ${cpu(value.cpuPerRequestMs)} | ${arm === 'direct' ? '—' : mb(value.peakRssMb)} | ${mb(value.doublePeakRssMb)} |`,
      );
      note(arm, value);
    }
  }
  const columns = (lines.find((line) => line.startsWith('|---')) ?? '|').split('|').length - 2;
  for (const [arm, reason] of notApplicable ?? []) {
    lines.push(`| ${label(arm)} | n/a${' | —'.repeat(Math.max(0, columns - 2))} |`);
    footnotes.push(`n/a ${label(arm)}: ${reason.replace(/\s+/g, ' ').slice(0, 240)}`);
  }
  if (footnotes.length > 0) lines.push('', ...footnotes);
  return lines;
}

/** The bound on Responses CPU per request, as a multiple of chat's. */
export const RESPONSES_TARGET = 1.15;

const RESPONSES_PAIRS: Array<{ chat: WorkloadId; responses: WorkloadId; name: string }> = [
  { chat: 'chat-c32', responses: 'responses-c32', name: 'unary, 32 connections' },
  { chat: 'stream', responses: 'responses-stream', name: 'streaming, 8 streams' },
];

/** Per arm measured on both: CPU per request on /v1/responses ÷ on /v1/chat/completions, unary and streaming. */
export function responsesVersusChat(results: Results): string[] {
  const rows: string[] = [];
  for (const pair of RESPONSES_PAIRS) {
    const chat = results.get(pair.chat);
    const responses = results.get(pair.responses);
    if (!chat || !responses) continue;
    for (const [arm, samples] of responses) {
      const chatSamples = chat.get(arm);
      if (!chatSamples || arm === 'direct') continue;
      const a = aggregate(chatSamples);
      const b = aggregate(samples);
      const value = b.cpuPerRequestMs / a.cpuPerRequestMs;
      const verdict = isSidecarArm(arm) ? (value <= RESPONSES_TARGET ? ' (within target)' : ' (**over target**)') : '';
      rows.push(
        `| ${pair.name} | ${label(arm)} | ${cpu(a.cpuPerRequestMs)} | ${cpu(b.cpuPerRequestMs)} | ${ratio(value)}${verdict} | ${int(a.rate)} / ${int(b.rate)} |`,
      );
    }
  }
  if (rows.length === 0) return [];
  return ['| workload | arm | chat CPU / request | responses CPU / request | responses ÷ chat | req/s chat / responses |', '|---|---|---|---|---|---|', ...rows];
}

/** sidecar ÷ other, per workload: throughput (higher = sidecar faster), CPU per request and peak RSS (lower = sidecar cheaper). */
export function ratioTable(results: Results, list: Workload[], notApplicable?: NotApplicable): string[] {
  const others: ArmId[] = ['ceiling', 'portkey', 'litellm', 'sidecar-otel-off'];
  const lines = [
    '| workload | metric | sidecar / ceiling | sidecar / Portkey | sidecar / LiteLLM | sidecar / sidecar (OTel off) |',
    '|---|---|---|---|---|---|',
  ];
  for (const workload of list) {
    const byArm = results.get(workload.id);
    // The telemetry-on arm when it ran, else the chart-default one (a run of --arms sidecar-chart,ceiling).
    const sidecarSamples = byArm?.get('sidecar') ?? byArm?.get('sidecar-chart');
    if (!byArm || !sidecarSamples) continue;
    const sidecar = aggregate(sidecarSamples);
    const cells = (pick: (value: Aggregate) => number) =>
      others.map((other) => {
        const samples = byArm.get(other);
        if (!samples) return notApplicable?.get(workload.id)?.has(other) ? 'n/a' : '—';
        const value = pick(aggregate(samples));
        return ratio(pick(sidecar) / value);
      });
    if (workload.type === 'slow') {
      lines.push(`| ${workload.id} | peak RSS | ${cells((value) => value.peakRssMb).join(' | ')} |`);
      lines.push(`| ${workload.id} | CPU / stream | ${cells((value) => value.cpuPerRequestMs).join(' | ')} |`);
      lines.push(`| ${workload.id} | TTFC p50 | ${cells((value) => value.ttfc50).join(' | ')} |`);
      continue;
    }
    lines.push(`| ${workload.id} | throughput | ${cells((value) => value.rate).join(' | ')} |`);
    lines.push(`| ${workload.id} | CPU / request | ${cells((value) => value.cpuPerRequestMs).join(' | ')} |`);
    lines.push(`| ${workload.id} | p50 latency | ${cells((value) => (workload.type === 'stream' ? value.ttfc50 : value.p50)).join(' | ')} |`);
  }
  return lines;
}
