import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parse } from 'yaml';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { startSidecarProcess, type SidecarProcess } from '../helpers/sidecar-process';
import { loadRuleGroups, RULES_PATH, RULES_TEST_PATH } from './observability-files';
import { findPrometheusTool, runTool } from './prometheus-tools';
import { driveSampleTraffic, SAMPLE_SIDECAR_ENV, SAMPLE_STATUSES, sampleSettled, scrape, scrapeUntil } from './sample-traffic';

// prom-client's default metrics name three gauges `…_total`; promlint flags them and there is no option to rename
// them (docs §4.3, §7). Exactly these lines are tolerated; anything else promtool reports fails the test.
const KNOWN_PROM_CLIENT_LINT = new Set([
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
]);

interface RulesTestFile {
  group_eval_order?: string[];
  tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

// Looked up in a hook, not at import: without it every test fails with the command that installs it.
let promtool = '';
beforeAll(() => {
  promtool = findPrometheusTool('promtool');
});

describe('promtool check rules / test rules', () => {
  it('accepts every rule in the rules file', async () => {
    const result = await runTool(promtool, ['check', 'rules', basename(RULES_PATH)], { cwd: dirname(RULES_PATH) });
    const count = loadRuleGroups().reduce((sum, group) => sum + group.rules.length, 0);
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: expect.stringContaining(`SUCCESS: ${count} rules found`) });
  });

  it('pins the order promtool evaluates the rule groups in to the order of the rules file (otherwise map order: flaky)', () => {
    // A group missing from group_eval_order sorts first: an alert could then read a recording rule one step stale.
    const order = (parse(readFileSync(RULES_TEST_PATH, 'utf8')) as RulesTestFile).group_eval_order;
    expect(order).toEqual(loadRuleGroups().map((group) => group.name));
  });

  it('passes the unit tests, in which every alert fires once and stays silent once', async () => {
    // About 10 s of rule evaluation on an idle core (the 3-hour spend case included); more on a busy CI machine.
    const result = await runTool(promtool, ['test', 'rules', basename(RULES_TEST_PATH)], { cwd: dirname(RULES_TEST_PATH), timeoutMs: 60_000 });
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    const cases = (parse(readFileSync(RULES_TEST_PATH, 'utf8')) as RulesTestFile).tests.flatMap((test) => test.alert_rule_test ?? []);
    const alerts = loadRuleGroups().flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    const coverage = alerts.map((alert) => ({
      alert,
      fires: cases.some((check) => check.alertname === alert && (check.exp_alerts ?? []).length > 0),
      silent: cases.some((check) => check.alertname === alert && (check.exp_alerts ?? []).length === 0),
    }));
    expect(coverage).toEqual(alerts.map((alert) => ({ alert, fires: true, silent: true })));
  }, 60_000);
});

describe('promtool check metrics on a running sidecar', () => {
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess | undefined;

  beforeAll(async () => {
    emulator = await GeminiEmulator.start();
    sidecar = await startSidecarProcess(emulator.url, SAMPLE_SIDECAR_ENV);
  });

  afterAll(async () => {
    await sidecar?.stop();
    await emulator?.close();
  });

  it('lints the Prometheus text exposition clean, apart from the three prom-client default gauges', async () => {
    const answers = await driveSampleTraffic(sidecar!.url, emulator);
    expect(Object.fromEntries(answers.map((answer) => [answer.name, answer.status]))).toEqual(SAMPLE_STATUSES);
    await scrapeUntil(sidecar!.adminUrl, sampleSettled);
    const { text, contentType } = await scrape(sidecar!.adminUrl);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('gen_ai_client_operation_duration_seconds_bucket{');

    const result = await runTool(promtool, ['check', 'metrics'], { input: text });
    const reported = (result.stdout + result.stderr).split('\n').map((line) => line.trim()).filter(Boolean);
    // 0 = clean, 3 = lint problems only; 1 would be a parse error.
    expect([0, 3]).toContain(result.code);
    expect(reported.filter((line) => !KNOWN_PROM_CLIENT_LINT.has(line))).toEqual([]);
  });
});
