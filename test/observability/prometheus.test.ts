import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GeminiEmulator } from '../emulator/gemini-emulator';
import { freePort, spawnManaged, startSidecarProcess, waitForHttp, type ManagedProcess, type SidecarProcess } from '../helpers/sidecar-process';
import { dashboardQueries, loadRuleGroups, RULES_PATH, ruleQueries, substituteVariables } from './observability-files';
import { findPrometheusTool } from './prometheus-tools';
import { driveSampleTraffic, SAMPLE_SIDECAR_ENV, SAMPLE_STATUSES, sampleSettled, scrapeUntil } from './sample-traffic';

// Starting Prometheus, two rounds of traffic and the scrapes after them take about 10 s; the margin is for slow CI.
jest.setTimeout(90_000);

const JOB = 'openai-gemini-sidecar';

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

// Looked up in a hook, not at import: without it every test fails with the command that installs it.
let prometheusBinary = '';
beforeAll(() => {
  prometheusBinary = findPrometheusTool('prometheus');
});

describe('a real Prometheus scraping the sidecar', () => {
  let emulator: GeminiEmulator;
  let sidecar: SidecarProcess | undefined;
  let prometheus: ManagedProcess | undefined;
  let prometheusUrl = '';
  let workDirectory = '';
  const timings: Record<string, number> = {};

  async function query(expr: string): Promise<QueryAnswer> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as QueryAnswer;
  }

  /** Samples of an instant query, as [labels, value]; a scalar counts as one sample. */
  function samples(answer: QueryAnswer): Array<[Record<string, string>, number]> {
    const result = answer.data?.result;
    if (answer.data?.resultType === 'scalar') return [[{}, Number((result as [number, string])[1])]];
    return ((result ?? []) as Array<{ metric: Record<string, string>; value: [number, string] }>).map((sample) => [sample.metric, Number(sample.value[1])]);
  }

  async function scrapeCount(): Promise<number> {
    const [first] = samples(await query(`count_over_time(up{job="${JOB}"}[1h])`));
    return first?.[1] ?? 0;
  }

  /** Waits until Prometheus has scraped the sidecar `count` more times. */
  async function waitForScrapes(count: number): Promise<void> {
    const target = (await scrapeCount()) + count;
    const deadline = Date.now() + 15_000;
    while ((await scrapeCount()) < target) {
      if (Date.now() > deadline) throw new Error(`Prometheus did not scrape the sidecar ${count} times in 15 s:\n${prometheus!.output()}`);
      await delay(200);
    }
  }

  beforeAll(async () => {
    const started = Date.now();
    const lap = (name: string) => (timings[name] = Date.now() - started);
    emulator = await GeminiEmulator.start();
    sidecar = await startSidecarProcess(emulator.url, SAMPLE_SIDECAR_ENV);
    lap('sidecar ready');

    workDirectory = mkdtempSync(join(tmpdir(), 'gemini-sidecar-prometheus-'));
    const config = join(workDirectory, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(RULES_PATH)}]`,
        'scrape_configs:',
        `  - job_name: ${JOB}`,
        `    static_configs: [{ targets: ["127.0.0.1:${sidecar.adminPort}"] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawnManaged(prometheusBinary, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(workDirectory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ]);
    await Promise.race([
      waitForHttp(`${prometheusUrl}/-/ready`, 15_000),
      prometheus.exited.then((code) => {
        throw new Error(`prometheus exited with ${code}:\n${prometheus!.output()}`);
      }),
    ]);
    lap('prometheus ready');

    // A series Prometheus first sees after the traffic has no increase to rate() over, so the sample runs twice with
    // a scrape in between: the second round moves every series the first one created. Round 1 overlaps the ~5 s
    // Prometheus's target discovery takes before the first scrape.
    for (const round of [1, 2]) {
      const answers = await driveSampleTraffic(sidecar.url, emulator);
      expect(Object.fromEntries(answers.map((answer) => [answer.name, answer.status]))).toEqual(SAMPLE_STATUSES);
      await scrapeUntil(sidecar.adminUrl, (text) => sampleSettled(text, round));
      lap(`round ${round} traffic`);
      // Every scrape counted from here on started after this round ended.
      await waitForScrapes(round === 1 ? 1 : 3);
      lap(`round ${round} scraped`);
    }
  });

  afterAll(async () => {
    await prometheus?.stop(5_000);
    await sidecar?.stop();
    await emulator?.close();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
    process.stdout.write(`prometheus.test timings (ms since start): ${JSON.stringify(timings)}\n`);
  });

  it('scrapes the sidecar successfully', async () => {
    expect(samples(await query(`up{job="${JOB}"}`)).map(([, value]) => value)).toEqual([1]);
  });

  it.each(dashboardQueries())('answers the dashboard query "$name" with data', async ({ expr }) => {
    const answer = await query(substituteVariables(expr));
    expect({ status: answer.status, error: answer.error }).toEqual({ status: 'success', error: undefined });
    const values = samples(answer).map(([, value]) => value);
    expect(values.length).toBeGreaterThan(0);
    expect(values.some(Number.isFinite)).toBe(true);
  });

  it.each(ruleQueries())('parses the rule expression of $name', async ({ expr }) => {
    const answer = await query(expr);
    expect({ status: answer.status, error: answer.error }).toEqual({ status: 'success', error: undefined });
  });

  it('loads the rules file with every group and no rule in error', async () => {
    const response = await fetch(`${prometheusUrl}/api/v1/rules`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { data: { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }> } };
    const expected = loadRuleGroups();
    const counts = (groups: Array<{ name: string; rules: unknown[] }>) => groups.map((group) => [group.name, group.rules.length]).sort();
    expect(counts(body.data.groups)).toEqual(counts(expected));
    const broken = body.data.groups.flatMap((group) => group.rules.filter((rule) => rule.health === 'err').map((rule) => `${rule.name}: ${rule.lastError}`));
    expect(broken).toEqual([]);
  });

  it('offers the job and the models for the dashboard variables', async () => {
    const values = async (label: string, match: string) => {
      const response = await fetch(`${prometheusUrl}/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`, { signal: AbortSignal.timeout(5_000) });
      return ((await response.json()) as { data: string[] }).data;
    };
    expect(await values('job', 'gemini_sidecar_build_info')).toEqual([JOB]);
    expect(await values('gen_ai_request_model', 'gen_ai_client_operation_duration_seconds_count')).toEqual(
      expect.arrayContaining(['gemini-2.5-flash', 'gemini-embedding-001', 'gemini-2.5-flash-image']),
    );
  });
});
