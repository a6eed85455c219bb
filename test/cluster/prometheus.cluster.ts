import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CHART, CLIENT_KEY, IMAGES, apply, deployment, helm, kubectl, nodePortUrl, userValues, waitFor, freshNamespace } from './lab';

// Prometheus in the cluster (Prometheus 3.5 built from its Go module, in an image) scraping the sidecar's admin port by Kubernetes
// service discovery, configured the way the Prometheus Operator turns the chart's ServiceMonitor into a scrape job
// (the operator itself is not installed: its selectors, port, path, interval and relabelings are translated below).
// The Grafana dashboard's queries then run against that Prometheus and must return data.

const NS = 'lab-monitoring';
const RELEASE = 'mon';
const values = [
  ...userValues(),
  '--set', 'service.type=NodePort',
  '--set', 'metrics.serviceMonitor.interval=5s',
  '--set', 'metrics.serviceMonitor.scrapeTimeout=4s',
  // A daily budget per consumer, as the README's spend section suggests: the Spend row's budget panel has a series.
  '--set', 'config.consumers.dailyBudgetUsd=50',
];

interface ServiceMonitor {
  metadata: { name: string; namespace: string };
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: Array<{ port: string; path: string; interval: string; scrapeTimeout: string; relabelings: Array<{ action: string; targetLabel: string; replacement: string }> }>;
  };
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** The scrape job the Prometheus Operator generates for a ServiceMonitor endpoint (role endpoints). */
export function scrapeJob(monitor: ServiceMonitor, index: number): Record<string, unknown> {
  const endpoint = monitor.spec.endpoints[index]!;
  const selectors = Object.entries(monitor.spec.selector.matchLabels).map(([label, value]) => ({
    action: 'keep',
    source_labels: [`__meta_kubernetes_service_label_${sanitize(label)}`, `__meta_kubernetes_service_labelpresent_${sanitize(label)}`],
    regex: `(${value});true`,
  }));
  return {
    job_name: `serviceMonitor/${monitor.metadata.namespace}/${monitor.metadata.name}/${index}`,
    scrape_interval: endpoint.interval,
    scrape_timeout: endpoint.scrapeTimeout,
    metrics_path: endpoint.path,
    kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: monitor.spec.namespaceSelector.matchNames } }],
    relabel_configs: [
      ...selectors,
      { action: 'keep', source_labels: ['__meta_kubernetes_endpoint_port_name'], regex: endpoint.port },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job' },
      { target_label: 'endpoint', replacement: endpoint.port },
      ...endpoint.relabelings.map((rule) => ({ action: rule.action, target_label: rule.targetLabel, replacement: rule.replacement })),
    ],
  };
}

function prometheusManifests(config: string): string {
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'prometheus', namespace: NS } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'lab-prometheus' },
      rules: [{ apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'lab-prometheus' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'lab-prometheus' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: NS }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prometheus', namespace: NS }, data: { 'prometheus.yml': config } },
    deployment('prometheus', NS, {
      serviceAccountName: 'prometheus',
      containers: [
        {
          name: 'prometheus',
          image: IMAGES.prometheus,
          imagePullPolicy: 'IfNotPresent',
          command: ['prometheus', '--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--web.listen-address=:9091'],
          ports: [{ name: 'web', containerPort: 9091 }],
          readinessProbe: { httpGet: { path: '/-/ready', port: 9091 }, periodSeconds: 2 },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/prometheus' },
            { name: 'data', mountPath: '/prometheus' },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'prometheus' } },
        { name: 'data', emptyDir: {} },
      ],
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'prometheus', namespace: NS },
      spec: { type: 'NodePort', selector: { app: 'prometheus' }, ports: [{ name: 'web', port: 9091, targetPort: 9091 }] },
    },
  ];
  return objects.map((object) => stringify(object)).join('---\n');
}

let prometheus = '';
let job = '';

async function query(expr: string): Promise<Array<{ metric: Record<string, string> }>> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string> }> } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

beforeAll(async () => {
  await apply(readFileSync(join(__dirname, 'manifests/emulator.yaml'), 'utf8'));
  await kubectl(['-n', 'lab-gemini', 'rollout', 'status', 'deploy/gemini-emulator', '--timeout=180s']);
  await freshNamespace(NS);
  await helm(['install', RELEASE, CHART, '-n', NS, '--create-namespace', '--wait', '--timeout', '5m', ...values]);
  // What the operator would read: the chart's ServiceMonitor as rendered for this release.
  const rendered = await helm(['template', RELEASE, CHART, '-n', NS, ...values, '--api-versions', 'monitoring.coreos.com/v1', '--show-only', 'templates/servicemonitor.yaml']);
  const monitor = parse(rendered.stdout) as ServiceMonitor;
  job = monitor.spec.endpoints[0]!.relabelings.find((rule) => rule.targetLabel === 'job')!.replacement;
  const config = stringify({ global: { evaluation_interval: '5s' }, scrape_configs: [scrapeJob(monitor, 0)] });
  await apply(prometheusManifests(config));
  await kubectl(['-n', NS, 'rollout', 'status', 'deploy/prometheus', '--timeout=180s']);
  prometheus = await nodePortUrl(NS, 'prometheus', 'web');
}, 600_000);

afterAll(async () => {
  await helm(['uninstall', RELEASE, '-n', NS, '--wait'], { allowFailure: true });
  await kubectl(['delete', 'clusterrolebinding,clusterrole', 'lab-prometheus', '--wait=false'], { allowFailure: true });
});

test('Prometheus discovers both sidecar pods by the ServiceMonitor rules and the dashboard queries return data', async () => {
  const targets = await waitFor('two healthy scrape targets', async () => {
    const response = await fetch(`${prometheus}/api/v1/targets`);
    const body = (await response.json()) as { data: { activeTargets: Array<{ health: string; labels: Record<string, string> }> } };
    const up = body.data.activeTargets.filter((target) => target.health === 'up');
    return up.length === 2 && up;
  });
  expect(targets.map((target) => target.labels.job)).toEqual([job, job]);
  expect(targets.every((target) => target.labels.namespace === NS && /:9090$/.test(target.labels.instance ?? ''))).toBe(true);

  const openai = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${await nodePortUrl(NS, `${RELEASE}-openai-gemini-sidecar`, 'http')}/v1`, maxRetries: 0 });
  for (let round = 0; round < 10; round += 1) {
    await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `metrics ${round}` }] });
    const stream = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'stream' }], stream: true });
    for await (const _chunk of stream) void _chunk;
  }
  // The dashboard's variables resolve to this release...
  expect((await query('gemini_sidecar_build_info')).map((series) => series.metric.namespace)).toContain(NS);
  const dashboard = JSON.parse(readFileSync(join(CHART, 'dashboards/gemini-sidecar.json'), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
  const panels = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ title: panel.title, expr: target.expr })));
  const resolve = (expr: string): string =>
    expr.replaceAll('$namespace', NS).replaceAll('$job', job).replaceAll('$model', '.*').replaceAll('$consumer', '.*').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m');
  // ...and every query parses; the panels of what this traffic exercises (requests, latency, tokens, models) have data.
  // Rates and quantiles need two scrapes after the traffic: wait until each exercised metric has a panel with data.
  // The Spend row: consumers are the client key's fingerprint here (no ingress names them), priced by the built-in table.
  const core = [
    'http_server_request_duration_seconds', 'gen_ai_client_operation_duration_seconds', 'gen_ai_client_token_usage', 'gemini_sidecar_build_info',
    'gemini_sidecar_consumer_cost_usd_total', 'gemini_sidecar_consumer_tokens_total', 'gemini_sidecar_consumer_daily_budget_usd',
  ];
  const withData = await waitFor('a panel with data for each exercised metric', async () => {
    const answered = await Promise.all(panels.map(async (panel) => ({ ...panel, series: (await query(resolve(panel.expr))).length })));
    return core.every((metric) => answered.some((panel) => panel.expr.includes(metric) && panel.series > 0)) && answered;
  }, 90_000);
  const empty = withData.filter((panel) => panel.series === 0);
  process.stderr.write(`[cluster] dashboard: ${withData.length - empty.length} of ${withData.length} queries have data; empty: ${empty.map((panel) => panel.title).join(', ')}\n`);
  for (const metric of core) {
    expect(withData.filter((panel) => panel.expr.includes(metric) && panel.series > 0).length).toBeGreaterThan(0);
  }
});
