import type { ArmId } from '../../bench/arms';
import type { Results, Sample } from '../../bench/report';
import { targetLines, targetsSection, type TargetContext } from '../../bench/targets';
import type { WorkloadId } from '../../bench/workloads';

function sample(overrides: { ok?: number; errors?: number; seconds?: number; cpuSeconds?: number; ttfc?: number[]; peakRssMb?: number }): Sample {
  return {
    ok: overrides.ok ?? 1000,
    errors: overrides.errors ?? 0,
    seconds: overrides.seconds ?? 1,
    latencies: new Float64Array([1]),
    ...(overrides.ttfc ? { ttfc: new Float64Array(overrides.ttfc) } : {}),
    cpuSeconds: overrides.cpuSeconds ?? 0.1,
    peakRssMb: overrides.peakRssMb ?? 100,
    generatorCpuSeconds: 0,
  };
}

function context(entries: Array<[WorkloadId, ArmId, Sample]>, extra: Partial<TargetContext> = {}): TargetContext {
  const results: Results = new Map();
  for (const [workload, arm, value] of entries) {
    const byArm = results.get(workload) ?? new Map<ArmId, Sample[]>();
    byArm.set(arm, [value]);
    results.set(workload, byArm);
  }
  return { results, idleRssMb: new Map(), slow: { count: 1000, chunks: 10, delayMs: 500, rampMs: 1000 }, memoryLimitMb: undefined, oomKills: new Map(), ...extra };
}

const line = (lines: ReturnType<typeof targetLines>, start: string) => lines.find((entry) => entry.target.startsWith(start))!;

describe('bench targets (issue 19)', () => {
  it('judges the CPU ratios against the ceiling and says by how much', () => {
    const lines = targetLines(
      context([
        ['chat-c32', 'sidecar-chart', sample({ cpuSeconds: 0.3 })],
        ['chat-c32', 'sidecar', sample({ cpuSeconds: 0.15 })],
        ['chat-c32', 'ceiling', sample({ cpuSeconds: 0.1 })],
      ]),
    );
    expect(line(lines, 'Unary chat, 32').met).toBe(false);
    expect(line(lines, 'Unary chat, 32').by).toBe('over by 1.50× (100 %)');
    expect(line(lines, 'Unary chat, every').met).toBe(true);
    expect(line(lines, 'Streaming').met).toBeUndefined();
    expect(line(lines, 'Streaming').measured).toContain('--workloads stream');
  });

  it('judges Portkey multiples on throughput', () => {
    const lines = targetLines(
      context([
        ['chat-c32', 'sidecar-chart', sample({ ok: 3000 })],
        ['chat-c32', 'portkey', sample({ ok: 1000 })],
        ['stream', 'sidecar-chart', sample({ ok: 3000 })],
        ['stream', 'portkey', sample({ ok: 1000 })],
      ]),
    );
    expect(line(lines, 'Unary req/s').met).toBe(false);
    expect(line(lines, 'Unary req/s').by).toBe('short by 3.00× (50 %)');
    expect(line(lines, 'Streams/s').met).toBe(true);
  });

  it('judges first chunks only for 1,000 streams over one second', () => {
    const fast = sample({ ttfc: Array.from({ length: 100 }, (_, index) => (index < 99 ? 2 : 60)) });
    expect(line(targetLines(context([['slow-streams', 'sidecar-chart', fast]])), '1,000 slow').met).toBe(true);
    const slowTail = sample({ ttfc: Array.from({ length: 100 }, (_, index) => (index < 98 ? 2 : 60)) });
    const missed = line(targetLines(context([['slow-streams', 'sidecar-chart', slowTail]])), '1,000 slow');
    expect(missed.met).toBe(false);
    expect(missed.by).toContain('p99 over');
    const otherRamp = context([['slow-streams', 'sidecar-chart', fast]], { slow: { count: 1000, chunks: 10, delayMs: 500, rampMs: 2000 } });
    expect(line(targetLines(otherRamp), '1,000 slow').met).toBeUndefined();
  });

  it('judges 2,000 streams only inside the chart limit, counting failures and OOM kills', () => {
    const slow = { count: 2000, chunks: 60, delayMs: 500, rampMs: 2000 };
    const all = context([['slow-streams', 'sidecar-chart', sample({ ok: 2000, peakRssMb: 290 })]], { slow, memoryLimitMb: 512, idleRssMb: new Map([['sidecar-chart', 90]]) });
    const met = line(targetLines(all), '2,000 slow');
    expect(met.met).toBe(true);
    expect(met.measured).toContain('100 MB per 1,000 streams above idle');
    const killed = context([['slow-streams', 'sidecar-chart', sample({ ok: 2000 })]], { slow, memoryLimitMb: 512, oomKills: new Map([['sidecar-chart', 1]]) });
    expect(line(targetLines(killed), '2,000 slow').met).toBe(false);
    const cut = context([['slow-streams', 'sidecar-chart', sample({ ok: 1990, errors: 10 })]], { slow, memoryLimitMb: 512 });
    expect(line(targetLines(cut), '2,000 slow').by).toBe('10 streams short');
    const unlimited = context([['slow-streams', 'sidecar-chart', sample({ ok: 2000 })]], { slow });
    expect(line(targetLines(unlimited), '2,000 slow').met).toBeUndefined();
  });

  it('judges idle RSS, Responses against chat, and embeddings against chat through the ceiling', () => {
    const lines = targetLines(
      context(
        [
          ['chat-c32', 'sidecar-chart', sample({ cpuSeconds: 0.3 })],
          ['chat-c32', 'ceiling', sample({ cpuSeconds: 0.1 })],
          ['responses-c32', 'sidecar-chart', sample({ cpuSeconds: 0.33 })],
          ['stream', 'sidecar-chart', sample({ cpuSeconds: 0.5 })],
          ['responses-stream', 'sidecar-chart', sample({ cpuSeconds: 0.6 })],
          ['embeddings', 'sidecar-chart', sample({ cpuSeconds: 1.2 })],
          ['embeddings', 'ceiling', sample({ cpuSeconds: 1 })],
        ],
        { idleRssMb: new Map([['sidecar-chart', 91.2]]) },
      ),
    );
    expect(line(lines, 'Idle RSS').by).toBe('over by 1.2 MB');
    expect(line(lines, "Responses within 15 % of chat's CPU per request, unary").met).toBe(true);
    expect(line(lines, "Responses within 15 % of chat's CPU per request, streaming").met).toBe(false);
    expect(line(lines, 'Embeddings').met).toBe(true);
    expect(line(lines, 'Embeddings').measured).toContain('embeddings 1.20× the ceiling, chat 3.00×');
  });

  it('renders one table row per target', () => {
    const section = targetsSection(context([]));
    expect(section.filter((row) => row.startsWith('| ') && !row.startsWith('| target'))).toHaveLength(targetLines(context([])).length);
    expect(section.join('\n')).not.toContain('met (');
  });
});
