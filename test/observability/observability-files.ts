import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { REPOSITORY_ROOT } from '../helpers/sidecar-process';

const CHART = resolve(REPOSITORY_ROOT, 'charts/openai-gemini-sidecar');

/** The Grafana dashboard the chart ships. */
export const DASHBOARD_PATH = resolve(CHART, 'dashboards/gemini-sidecar.json');
/** The Prometheus rules file (plain `groups:`). */
export const RULES_PATH = resolve(CHART, 'rules/gemini-sidecar-rules.yaml');
/** Its `promtool test rules` unit tests. */
export const RULES_TEST_PATH = resolve(CHART, 'rules/gemini-sidecar-rules.test.yaml');

/** One PromQL expression and where it comes from. */
export interface NamedQuery {
  /** Panel title and refId, or rule name. */
  name: string;
  expr: string;
}

interface DashboardPanel {
  title?: string;
  panels?: DashboardPanel[];
  targets?: Array<{ refId?: string; expr?: string }>;
}

interface DashboardVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
}

/** The parts of the dashboard JSON the tests read. */
export interface Dashboard {
  uid: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

interface RuleGroup {
  name: string;
  rules: Array<{ record?: string; alert?: string; expr: string }>;
}

/** Parses the dashboard file. */
export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
}

/** Every panel target's expr, rows (collapsed or not) included. */
export function dashboardQueries(dashboard: Dashboard = loadDashboard()): NamedQuery[] {
  const queries: NamedQuery[] = [];
  const visit = (panels: DashboardPanel[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr) queries.push({ name: `${panel.title ?? '(untitled)'} [${target.refId ?? '?'}]`, expr: target.expr });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return queries;
}

/** The query of each `query` variable, by variable name. */
export function variableQueries(dashboard: Dashboard = loadDashboard()): Record<string, string> {
  const queries: Record<string, string> = {};
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    queries[variable.name] = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
  }
  return queries;
}

/** Parses the rules file's groups. */
export function loadRuleGroups(): RuleGroup[] {
  return (parse(readFileSync(RULES_PATH, 'utf8')) as { groups: RuleGroup[] }).groups;
}

/** Every recording rule's and alert's expr. */
export function ruleQueries(groups: RuleGroup[] = loadRuleGroups()): NamedQuery[] {
  return groups.flatMap((group) => group.rules.map((rule) => ({ name: rule.record ?? rule.alert ?? '(unnamed)', expr: rule.expr })));
}

/** Names the rules file records (`gemini_sidecar:…`): they exist in Prometheus, never in a scrape. */
export function recordedNames(groups: RuleGroup[] = loadRuleGroups()): Set<string> {
  return new Set(groups.flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : []))));
}

/**
 * What Grafana would send with every variable on "All": label matchers become `.*` (which also matches a missing
 * label, e.g. `namespace` on a local scrape) and the interval macros get fixed values.
 */
export function substituteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('${__rate_interval}', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '1h')
    .replaceAll('${__interval}', '15s')
    .replace(/\$\{?(namespace|job|model|consumer)\}?/g, '.*');
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Strings, label matchers, ranges and grouping clauses are removed
 * first; what is left that looks like an identifier, is no keyword and is not called like a function is a metric.
 */
export function metricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const name = match[0];
    const next = stripped.slice(match.index + name.length).trimStart();
    if (next.startsWith('(') || PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return names;
}

/** Sample names in a Prometheus or OpenMetrics text exposition (`foo_bucket`, `foo_sum`, `bar_total`, ...). */
export function exposedSampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{|\s)/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}
