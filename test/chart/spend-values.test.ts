import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { configSchema } from '@sidecar/config/config-schema';
import { CHART_DIR, parseManifests, render, template } from './chart-tools';
import { containersOf, field, one, renderedConfig } from './manifest-checks';

// Per-consumer spend in chart values: config.consumers.* and config.pricing.* reach the sidecar's ConfigMap, the
// PrometheusRule carries the budget alert, and the ingress secret comes from a Secret through extraEnvVars.

const CI = 'standalone-existing-secret-values.yaml';

/** A values file of prices as an operator writes them (numbers stay numbers, unlike helm --set), as a ci-relative path. */
function pricesValues(directory: string): string {
  const file = join(directory, 'prices.yaml');
  writeFileSync(file, 'config:\n  pricing:\n    prices:\n      - { match: [gemini-2.5-flash], input: 0.25, output: 2, source: contract, asOf: "2026-11-01" }\n');
  return relative(join(CHART_DIR, 'ci'), file);
}

describe('spend values (config.consumers, config.pricing)', () => {
  it('renders the consumer header, the budgets and a price row into a config the sidecar accepts, with the budget alert', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'spend-values-'));
    const rendered = await render(3, [CI, pricesValues(directory)], [
      'config.consumers.headers[0]=X-Authenticated-User',
      'config.consumers.dailyBudgetUsd=50',
      'config.consumers.budgets.team-search=200',
    ]).finally(() => rmSync(directory, { recursive: true, force: true }));
    const objects = parseManifests(rendered);
    const parsed = configSchema.safeParse(renderedConfig(objects));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.consumers).toMatchObject({ headers: ['x-authenticated-user'], dailyBudgetUsd: 50, budgets: { 'team-search': 200 } });
    expect(parsed.data?.pricing.prices[0]).toMatchObject({ match: ['gemini-2.5-flash'], input: 0.25, output: 2 });
    const groups = field(one(objects, 'PrometheusRule'), 'spec.groups') as Array<{ rules: Array<{ alert?: string }> }>;
    expect(groups.flatMap((group) => group.rules.map((rule) => rule.alert)).filter(Boolean)).toContain('GeminiConsumerDailyBudgetExceeded');
  });

  it('passes SIDECAR_INGRESS_SECRET from a Secret through extraEnvVars, keeping it out of the ConfigMap', async () => {
    const objects = parseManifests(
      await render(3, [CI], [
        'extraEnvVars[0].name=SIDECAR_INGRESS_SECRET',
        'extraEnvVars[0].valueFrom.secretKeyRef.name=ingress-proof',
        'extraEnvVars[0].valueFrom.secretKeyRef.key=secret',
      ]),
    );
    const env = containersOf(one(objects, 'Deployment')).flatMap((container) => container.env ?? []);
    expect(env.find((variable) => variable.name === 'SIDECAR_INGRESS_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'ingress-proof', key: 'secret' });
    expect(JSON.stringify(renderedConfig(objects))).not.toContain('ingressSecret');
  });

  it.each([
    ['the ingress secret in the ConfigMap', 'config.consumers.ingressSecret=0123456789abcdef0123'],
    ['a consumer header that is no header name', 'config.consumers.headers[0]=x consumer'],
    ['a negative budget', 'config.consumers.dailyBudgetUsd=-1'],
    ['an unknown consumers key', 'config.consumers.budget=5'],
    ['a price set as a string (helm --set 0.25)', 'config.pricing.prices[0].match[0]=m,config.pricing.prices[0].input=0.25,config.pricing.prices[0].output=1'],
  ])('rejects %s', async (_name, set) => {
    const result = await template(3, [CI], [set]);
    expect({ code: result.code === 0 ? 0 : 'non-zero', schema: /schema/i.test(result.stderr) }).toEqual({ code: 'non-zero', schema: true });
  });
});
