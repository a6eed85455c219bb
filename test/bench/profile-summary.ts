/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and summarises it: top self-time functions, self time per package or
 * area, and inclusive time of the sidecar's own functions and of a few well-known subsystems.
 *
 * Standalone: node dist/bench/test/bench/profile-summary.js <file.cpuprofile> [--top N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url: string): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist !== -1) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** The package or area a frame belongs to: an npm package, 'sidecar/<dir>', 'node:<module>', or a V8 state. */
export function areaOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName;
  const url = frame.url;
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const sidecar = /\/dist\/(sidecar\/[^/]+)\//.exec(url) ?? /\/dist\/(sidecar)\/[^/]+$/.exec(url);
  if (sidecar) return sidecar[1] ?? 'sidecar';
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  if (url === '') return '(native / V8 builtins)';
  return shortUrl(url);
}

function keyOf(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/** Percentages of the profile's busy time (everything but idle). */
export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  gcMs: number;
  topSelf: Array<{ name: string; ms: number; share: number }>;
  byArea: Array<{ area: string; ms: number; share: number }>;
  attributed: Array<{ area: string; ms: number; share: number }>;
  inclusive: Array<{ name: string; ms: number; share: number }>;
  subsystems: Array<{ name: string; ms: number; share: number }>;
}

/** Subsystems measured inclusively: a sample counts when any frame of its stack matches. */
const SUBSYSTEMS: Array<{ name: string; test: (frame: CallFrame) => boolean }> = [
  { name: 'OTLP span export (@opentelemetry/exporter-* and otlp-*)', test: (frame) => /@opentelemetry\/(exporter-|otlp-)/.test(frame.url) },
  { name: 'pino logging', test: (frame) => /node_modules\/(pino|sonic-boom|thread-stream)/.test(frame.url) },
  { name: 'prom-client metrics', test: (frame) => frame.url.includes('node_modules/prom-client/') },
  { name: 'zod validation', test: (frame) => frame.url.includes('node_modules/zod/') },
  { name: 'AbortSignal (any / timeout / composite)', test: (frame) => frame.url === 'node:internal/abort_controller' },
  { name: 'sidecar/translate', test: (frame) => frame.url.includes('/dist/sidecar/translate/') },
  { name: 'JSON.parse', test: (frame) => frame.functionName === 'parse' && frame.url === '' },
];

export function summarise(profile: CpuProfile, top = 30): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const attributed = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const subsystems = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time since the previous sample: charge it to sample i.
    const ms = Math.max(0, profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    total += ms;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idle += ms;
      return;
    }
    if (frame.functionName === '(garbage collector)') gc += ms;
    const key = keyOf(frame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const where = areaOf(frame);
    area.set(where, (area.get(where) ?? 0) + ms);
    const seen = new Set<string>();
    const hit = new Set<string>();
    let owner: string | undefined;
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const stackFrame = byId.get(current)?.callFrame;
      if (!stackFrame) break;
      if (owner === undefined && (stackFrame.url.includes('node_modules/') || stackFrame.url.includes('/dist/'))) owner = areaOf(stackFrame);
      if (stackFrame.url.includes('/dist/sidecar/')) seen.add(keyOf(stackFrame));
      for (const subsystem of SUBSYSTEMS) if (subsystem.test(stackFrame)) hit.add(subsystem.name);
    }
    const charged = owner ?? where;
    attributed.set(charged, (attributed.get(charged) ?? 0) + ms);
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    for (const name of hit) subsystems.set(name, (subsystems.get(name) ?? 0) + ms);
  });
  const busy = total - idle;
  const ranked = <K extends string>(map: Map<string, number>, label: K, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => ({ [label]: name, ms, share: busy > 0 ? ms / busy : 0 }) as { [P in K]: string } & { ms: number; share: number });
  return {
    totalMs: total,
    busyMs: busy,
    gcMs: gc,
    topSelf: ranked(self, 'name', top),
    byArea: ranked(area, 'area', 25),
    attributed: ranked(attributed, 'area', 25),
    inclusive: ranked(inclusive, 'name', 25),
    subsystems: SUBSYSTEMS.map((subsystem) => ({ name: subsystem.name, ms: subsystems.get(subsystem.name) ?? 0 }))
      .sort((a, b) => b.ms - a.ms)
      .map((entry) => ({ ...entry, share: busy > 0 ? entry.ms / busy : 0 })),
  };
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** The summary as Markdown; `requests` (when known) turns busy time into CPU per request. */
export function summaryMarkdown(summary: ProfileSummary, file: string, requests?: number): string {
  const lines: string[] = [];
  const perRequest = requests ? `, ${((summary.busyMs * 1000) / requests).toFixed(0)} µs per request over ${requests} requests` : '';
  lines.push(`Profile \`${file}\`: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(summary.busyMs / 1000).toFixed(1)} s busy on the main thread${perRequest}; GC ${pct(summary.gcMs / Math.max(1, summary.busyMs))} of busy.`);
  lines.push('', '**Top self time** (share of busy time)', '', '| # | function (file:line in dist/) | self ms | share |', '|---|---|---|---|');
  summary.topSelf.forEach((entry, index) => lines.push(`| ${index + 1} | \`${entry.name}\` | ${entry.ms.toFixed(0)} | ${pct(entry.share)} |`));
  lines.push('', '**Self time by package / area**', '', '| area | self ms | share |', '|---|---|---|');
  for (const entry of summary.byArea) lines.push(`| ${entry.area} | ${entry.ms.toFixed(0)} | ${pct(entry.share)} |`);
  lines.push(
    '',
    '**Time by owner**: native, V8-builtin and node:internal time charged to the nearest npm package or sidecar frame below it on the stack (so a socket write counts for whoever wrote)',
    '',
    '| owner | ms | share |',
    '|---|---|---|',
  );
  for (const entry of summary.attributed) lines.push(`| ${entry.area} | ${entry.ms.toFixed(0)} | ${pct(entry.share)} |`);
  lines.push('', '**Inclusive time of leaf subsystems** (a sample counts once if any frame on its stack belongs to it; they call no request code back, so this is their whole cost)', '', '| subsystem | ms | share |', '|---|---|---|');
  for (const entry of summary.subsystems) lines.push(`| ${entry.name} | ${entry.ms.toFixed(0)} | ${pct(entry.share)} |`);
  lines.push('', '**Inclusive time of sidecar functions**', '', '| function | ms | share |', '|---|---|---|');
  for (const entry of summary.inclusive) lines.push(`| \`${entry.name}\` | ${entry.ms.toFixed(0)} | ${pct(entry.share)} |`);
  return lines.join('\n');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, requests: { type: 'string' } } });
  const file = positionals[0];
  if (!file) {
    console.error('Usage: node profile-summary.js <file.cpuprofile> [--top N] [--requests N]');
    process.exit(2);
  }
  const summary = summarise(readProfile(file), Number(values.top ?? 30));
  console.log(summaryMarkdown(summary, file, values.requests ? Number(values.requests) : undefined));
}
