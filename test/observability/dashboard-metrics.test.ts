import { readFileSync } from 'node:fs';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';
import {
  DASHBOARD_PATH,
  dashboardQueries,
  exposedSampleNames,
  loadDashboard,
  metricNames,
  recordedNames,
  ruleQueries,
  variableQueries,
  type Dashboard,
  type NamedQuery,
} from './observability-files';
import { driveSampleTraffic, SAMPLE_SIDECAR_ENV, SAMPLE_STATUSES, sampleSettled, scrapeUntil } from './sample-traffic';

// Series Prometheus makes itself for every target; no exporter has them.
const SCRAPE_SERIES = new Set(['up']);

/** Per query, the metric names it selects that the exposition lacks (recording rules and `up` aside). */
function missingMetrics(queries: NamedQuery[], exposed: Set<string>, recorded: Set<string>): Array<{ query: string; missing: string[] }> {
  return queries
    .map((query) => ({
      query: query.name,
      missing: [...metricNames(query.expr)].filter((name) => !exposed.has(name) && !recorded.has(name) && !SCRAPE_SERIES.has(name)),
    }))
    .filter((entry) => entry.missing.length > 0);
}

describe('metric names in the dashboard and the rules', () => {
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess | undefined;
  let exposed: Set<string>;
  const recorded = recordedNames();

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    sidecar = await startSidecarProcess(emulator.url, SAMPLE_SIDECAR_ENV);
    const answers = await driveSampleTraffic(sidecar.url, emulator);
    expect(Object.fromEntries(answers.map((answer) => [answer.name, answer.status]))).toEqual(SAMPLE_STATUSES);
    exposed = exposedSampleNames(await scrapeUntil(sidecar.adminUrl, sampleSettled));
  });

  afterAll(async () => {
    await sidecar?.stop();
    await emulator?.close();
  });

  it('finds the metric names a PromQL expression selects, and nothing else', () => {
    const expr =
      'histogram_quantile(0.95, sum by (le, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket{job=~"$job", error_type!="a b"}[$__rate_interval])))' +
      ' / on (job) group_left (version) gemini_sidecar_build_info offset 5m and up == 0 or vector(1) * 1e9 > bool 0.5' +
      ' + max without (pod) (nodejs_eventloop_lag_p99_seconds) - gemini_sidecar:upstream_slow:ratio_rate5m';
    expect([...metricNames(expr)].sort()).toEqual([
      'gemini_sidecar:upstream_slow:ratio_rate5m',
      'gemini_sidecar_build_info',
      'gen_ai_client_operation_duration_seconds_bucket',
      'nodejs_eventloop_lag_p99_seconds',
      'up',
    ]);
  });

  it('finds every dashboard metric in a scrape of the sidecar after traffic', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    expect(missingMetrics(queries, exposed, recorded)).toEqual([]);
  });

  it('finds every metric of the recording rules and alerts in the scrape (recorded names come from the rules)', () => {
    const queries = ruleQueries();
    expect(missingMetrics(queries, exposed, recorded)).toEqual([]);
    const recordedUses = queries.flatMap((query) => [...metricNames(query.expr)].filter((name) => name.includes(':')));
    expect(recordedUses.filter((name) => !recorded.has(name))).toEqual([]);
  });

  it('finds the metrics of the template variables in the scrape', () => {
    const names = Object.values(variableQueries()).flatMap((query) => [...metricNames(query.replace(/^label_values\((.*),\s*\w+\)$/s, '$1'))]);
    expect(names.length).toBe(4);
    expect(names.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('catches a metric renamed in the sidecar but not in the dashboard', () => {
    const renamed = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8').replaceAll('gen_ai_client_token_usage_sum', 'gen_ai_client_tokens_used_sum')) as Dashboard;
    const missing = missingMetrics(dashboardQueries(renamed), exposed, recorded).flatMap((entry) => entry.missing);
    expect(missing.length).toBeGreaterThan(0);
    expect(new Set(missing)).toEqual(new Set(['gen_ai_client_tokens_used_sum']));
  });
});

describe('the dashboard JSON', () => {
  const dashboard = loadDashboard();
  const queries = dashboardQueries(dashboard);

  it('has the uid, schema version, variables and rows the chart documents', () => {
    expect({ uid: dashboard.uid, schemaVersion: dashboard.schemaVersion }).toEqual({ uid: 'gemini-sidecar', schemaVersion: 39 });
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'namespace', 'job', 'model', 'consumer']);
    expect(dashboard.panels.filter((panel) => (panel as { type?: string }).type === 'row').map((panel) => panel.title)).toEqual([
      'Overview',
      'Latency',
      'Errors',
      'Tokens',
      'Traffic',
      'Runtime',
      'Spend',
    ]);
  });

  it('filters every selector by $namespace and $job', () => {
    const unfiltered = queries.flatMap((query) =>
      [...query.expr.matchAll(/\{[^}]*\}/g)].map((match) => match[0]).filter((selector) => !selector.includes('namespace=~"$namespace", job=~"$job"')).map((selector) => `${query.name}: ${selector}`),
    );
    expect(unfiltered).toEqual([]);
  });

  it('uses $__rate_interval for every range except the 30-day error budget, spend per day and the top consumers', () => {
    const ranges = queries.flatMap((query) => [...query.expr.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1]));
    expect(new Set(ranges)).toEqual(new Set(['$__rate_interval', '30d', '1d', '$__range']));
  });
});
