import type { SidecarHarness } from './sidecar-harness';

/** Sum of the samples named `name` (e.g. `…_count`) whose labels include `labels`. */
export async function sampleValue(harness: SidecarHarness, name: string, labels: Record<string, string>): Promise<number> {
  const base = harness.metrics.registry.getSingleMetric(name) ? name : name.replace(/_(count|sum|bucket)$/, '');
  const metric = harness.metrics.registry.getSingleMetric(base);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  return values
    .filter((value) => ((value as { metricName?: string }).metricName ?? base) === name)
    .filter((value) => Object.entries(labels).every(([key, expected]) => String((value.labels as Record<string, unknown>)[key]) === expected))
    .reduce((sum, value) => sum + value.value, 0);
}
