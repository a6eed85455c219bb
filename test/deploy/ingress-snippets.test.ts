import { API_KEEP_ALIVE_TIMEOUT_MS } from '@sidecar/server/server-timeouts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { ENV_OVERRIDES } from '@sidecar/config/config-env';
import { loadConfig } from '@sidecar/config/load-config';
import { validateCoreKinds, type K8sObject } from '../chart/chart-tools';
import { systemTool } from '../helpers/tool-paths';

// Static checks of the ingress snippets under config/ingress: every file parses, routes the OpenAI prefixes to the
// place the sidecar actually listens, keeps streams unbuffered, and sets proxy timeouts that outlast the sidecar's own
// limits (read from config/default.yaml and main.ts, so the snippets follow when those change). The sidecar containers
// follow the Helm chart's conventions (image, container name, sidecar-mode ports, proxy group), read from its
// values.yaml. The nginx snippet is also run for real by nginx.test.ts; kong.yaml is validated by Debian's deck.

const ROOT = resolve(__dirname, '../..');
const INGRESS = join(ROOT, 'config/ingress');
const PREFIXES = ['/v1beta/openai', '/v1'];
const IMAGE_NAME = 'openai-gemini-sidecar';

const config = loadConfig({}, ROOT);
/** The sidecar's own limit for a whole call; a proxy timeout at or below it would cut the call before the sidecar does. */
const SIDECAR_TOTAL_MS = config.gemini.totalTimeoutMs;
/** How long the sidecar keeps an idle keep-alive connection open (TCP and socket); a proxy must drop idle upstream connections sooner. */
const TCP_KEEP_ALIVE_MS = API_KEEP_ALIVE_TIMEOUT_MS;
const mainSource = readFileSync(join(ROOT, 'sidecar/main.ts'), 'utf8');
const SOCKET_KEEP_ALIVE_MS = API_KEEP_ALIVE_TIMEOUT_MS;
/** OTEL_EXPORTER_OTLP_TIMEOUT's default. */
const OTLP_EXPORT_TIMEOUT_MS = 10_000;
const packageVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface ChartValues {
  image: { registry: string; repository: string; tag: string };
  ports: { http: number; metrics: number };
  sidecar: { containerName: string; ports: { http: number; metrics: number }; proxyGroup: number };
}
const CHART = join(ROOT, 'charts/openai-gemini-sidecar');
const chart = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as ChartValues;
const chartAppVersion = (parseYaml(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;
/**
 * The image the snippets name: where .github/workflows/release.yml pushes a release (ghcr.io/<owner>/...), with an
 * owner no registry accepts (upper case), so an unedited snippet fails with InvalidImageName instead of pulling in
 * vain. No image is published for this source tree (README, Deploy > Image).
 */
const SNIPPET_IMAGE = `ghcr.io/YOUR-ORG/${IMAGE_NAME}:${chartAppVersion}`;

/** '3600s', '60s', '0s', '1h', '500ms' → milliseconds. */
function durationMs(value: unknown): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(String(value));
  if (!match) throw new Error(`not a duration: ${String(value)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

function readText(file: string): string {
  return readFileSync(join(INGRESS, file), 'utf8');
}

/** All documents of a YAML file, failing on any parse error or warning. */
function yamlDocuments(file: string): unknown[] {
  const documents = parseAllDocuments(readText(file));
  for (const document of documents) {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) throw new Error(`${file}: ${problems.map((problem) => problem.message).join('; ')}`);
  }
  return documents.map((document) => document.toJS() as unknown);
}

function yamlDocument<T>(file: string): T {
  const documents = yamlDocuments(file);
  expect(documents).toHaveLength(1);
  return documents[0] as T;
}

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

function kubeObjects(file: string): KubeObject[] {
  return yamlDocuments(file) as KubeObject[];
}

function byKind<T extends KubeObject>(objects: KubeObject[], kind: string): T {
  const found = objects.filter((object) => object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as T;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface ContainerPort {
  name: string;
  containerPort: number;
  protocol?: string;
}

interface HttpProbe {
  httpGet: { path: string; port: string | number };
}

interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: ContainerPort[];
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}

function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

/** Where the sidecar listens in this container: PORT / ADMIN_PORT, or the defaults from config/default.yaml. */
function listenPorts(container: Container): { api: number; admin: number } {
  return {
    api: Number(envValue(container, 'PORT') ?? config.server.port),
    admin: Number(envValue(container, 'ADMIN_PORT') ?? config.server.adminPort),
  };
}

// --- the sidecar container as each ingress pod runs it ---------------------------------------------------------

interface Kong {
  ingressController: { enabled: boolean };
  dblessConfig: { configMap: string };
  terminationGracePeriodSeconds: number;
  env: { nginx_main_worker_shutdown_timeout: string };
  deployment: { sidecarContainers: Container[] };
}

interface Traefik {
  experimental?: { fastProxy?: { enabled?: boolean } };
  ports: Record<string, { transport: { lifeCycle: { requestAcceptGraceTimeout: string; graceTimeOut: string } } }>;
  deployment: { additionalContainers: Container[]; terminationGracePeriodSeconds?: number };
  providers: { file: { enabled: boolean; content: string } };
}

interface EnvoyProxy extends KubeObject {
  spec: {
    shutdown: { drainTimeout: string; minDrainDuration: string };
    provider: {
      type: string;
      kubernetes: {
        envoyDeployment: {
          patch: { type: string; value: { spec: { template: { spec: { containers: Container[]; volumes: Array<{ name: string; emptyDir?: object }> } } } } };
        };
      };
    };
  };
}

const kong = yamlDocument<Kong>('kong/values-sidecar.yaml');
const traefik = yamlDocument<Traefik>('traefik/values-sidecar.yaml');
const envoyProxy = byKind<EnvoyProxy>(kubeObjects('envoy-gateway/envoyproxy.yaml'), 'EnvoyProxy');
const envoyPodSpec = envoyProxy.spec.provider.kubernetes.envoyDeployment.patch.value.spec.template.spec;

function onlySidecar(containers: Container[]): Container {
  const sidecars = containers.filter((container) => container.image?.includes(IMAGE_NAME));
  if (sidecars.length !== 1) throw new Error(`expected one ${IMAGE_NAME} container, found ${sidecars.length}`);
  return sidecars[0]!;
}

/**
 * Ports and port names the ingress's own containers already use in the pod (from the ingress charts' defaults and
 * Envoy Gateway's proxy deployment). Pod containers share one network namespace, and named ports must be unique
 * within the pod (PodMonitors and Services resolve them by name).
 */
const HOSTS = [
  {
    ingress: 'Kong (kong/values-sidecar.yaml)',
    container: onlySidecar(kong.deployment.sidecarContainers),
    // proxy 8000/8443, admin 8001/8444, manager 8002/8445, status 8100, cluster 8005; the controller (disabled here)
    // would add its admission webhook on 8080 and 10254/10255.
    takenPorts: [8000, 8443, 8001, 8444, 8002, 8445, 8100, 8005],
    takenNames: ['proxy', 'proxy-tls', 'status', 'admin', 'admin-tls'],
    // kong quit --wait=15 in the chart's preStop: Kong accepts that long, then its nginx lets streams run for
    // nginx_main_worker_shutdown_timeout.
    proxyAcceptSeconds: 15,
    proxyDrainSeconds: durationMs(kong.env.nginx_main_worker_shutdown_timeout) / 1_000,
    gracePeriodSeconds: kong.terminationGracePeriodSeconds,
  },
  {
    ingress: 'Traefik (traefik/values-sidecar.yaml)',
    container: onlySidecar(traefik.deployment.additionalContainers),
    // entry points traefik 8080, web 8000, websecure 8443, metrics 9100 (the chart's port names are the keys)
    takenPorts: [8080, 8000, 8443, 9100],
    takenNames: ['traefik', 'web', 'websecure', 'metrics'],
    // The web entry point's lifeCycle (the route's only entry point): accept, then let streams run.
    proxyAcceptSeconds: durationMs(traefik.ports.web!.transport.lifeCycle.requestAcceptGraceTimeout) / 1_000,
    proxyDrainSeconds: durationMs(traefik.ports.web!.transport.lifeCycle.graceTimeOut) / 1_000,
    gracePeriodSeconds: traefik.deployment.terminationGracePeriodSeconds ?? 60,
  },
  {
    ingress: 'Envoy Gateway (envoy-gateway/envoyproxy.yaml)',
    container: onlySidecar(envoyPodSpec.containers),
    // envoy admin 19000, stats 19001 ("metrics"), shutdown manager 19002, readiness 19003 ("readiness")
    takenPorts: [19000, 19001, 19002, 19003],
    takenNames: ['metrics', 'readiness'],
    // The EnvoyProxy's shutdown: Envoy drains for at least minDrainDuration and at most drainTimeout.
    proxyAcceptSeconds: durationMs(envoyProxy.spec.shutdown.minDrainDuration) / 1_000,
    proxyDrainSeconds: durationMs(envoyProxy.spec.shutdown.drainTimeout) / 1_000,
    // Envoy Gateway gives its proxy pods drainTimeout + 300 s.
    gracePeriodSeconds: durationMs(envoyProxy.spec.shutdown.drainTimeout) / 1_000 + 300,
  },
];

describe('config/ingress files', () => {
  const files = readdirSync(INGRESS, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ya?ml|conf)$/.test(file))
    .sort();

  it('covers Kong, Envoy, Envoy Gateway, nginx and Traefik', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'kong/values-sidecar.yaml',
        'kong/kong.yaml',
        'kong/kic-annotations.yaml',
        'envoy/envoy.yaml',
        'envoy/deployment.yaml',
        'envoy-gateway/envoyproxy.yaml',
        'envoy-gateway/backend.yaml',
        'envoy-gateway/httproute.yaml',
        'nginx/nginx.conf',
        'nginx/ingress-nginx.yaml',
        'traefik/values-sidecar.yaml',
        'traefik/dynamic.yaml',
      ]),
    );
  });

  it("states the sidecar's keep-alive timeout as it is (API_KEEP_ALIVE_TIMEOUT_MS) wherever a comment gives it", () => {
    const stated = files.flatMap((file) => {
      const comments = readText(file)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.startsWith('#'))
        .map((line) => line.replace(/^#+ ?/, ''))
        .join(' ');
      return [...comments.matchAll(/sidecar's (\d+) s\b|sidecar(?:'s)?[^.;]*?keep-alive[^.;]*?after (\d+) s\b/g)].map((match) => ({ file, seconds: Number(match[1] ?? match[2]) }));
    });
    expect([...new Set(stated.map(({ file }) => file))]).toEqual(
      expect.arrayContaining(['envoy-gateway/httproute.yaml', 'envoy/envoy.yaml', 'kong/kong.yaml', 'nginx/nginx.conf', 'traefik/dynamic.yaml']),
    );
    expect(stated.filter(({ seconds }) => seconds * 1_000 !== API_KEEP_ALIVE_TIMEOUT_MS)).toEqual([]);
  });

  it.each(files)('%s starts with a comment saying what it is for, and YAML files parse cleanly', (file) => {
    const text = readText(file);
    const header = text.split('\n').slice(0, 2);
    expect(header.every((line) => line.startsWith('#'))).toBe(true);
    if (!file.endsWith('.conf')) expect(yamlDocuments(file).length).toBeGreaterThan(0);
  });
});

describe.each(HOSTS)('the sidecar container in $ingress', ({ container, takenPorts, takenNames, proxyAcceptSeconds, proxyDrainSeconds, gracePeriodSeconds }) => {
  const { api, admin } = listenPorts(container);

  it("is the chart's sidecar container, naming the image of this version under a placeholder owner", () => {
    expect(container.name).toBe(chart.sidecar.containerName);
    expect(container.image).toBe(SNIPPET_IMAGE);
    expect(chartAppVersion).toBe(packageVersion);
    // The chart has no default image (image.repository is required), so the snippets cannot copy one.
    expect(chart.image.repository).toBe('');
  });

  it('sets only environment variables the sidecar reads, with the Gemini key from a Secret shaped like the chart wants', () => {
    const known = new Set(ENV_OVERRIDES.map((override) => override.env));
    for (const variable of container.env ?? []) expect(known).toContain(variable.name);
    const key = container.env?.find((variable) => variable.name === 'GEMINI_API_KEY');
    expect(key?.value).toBeUndefined();
    // The chart's existingSecret holds the key under GEMINI_API_KEY, so the same Secret works for both.
    expect(key?.valueFrom?.secretKeyRef).toEqual({ name: 'openai-gemini-sidecar', key: 'GEMINI_API_KEY' });
    // With a Gemini key the sidecar starts only when callers must present a client key (or the ingress is trusted).
    const clientKeys = container.env?.find((variable) => variable.name === 'SIDECAR_API_KEYS');
    expect(clientKeys?.valueFrom?.secretKeyRef).toEqual({ name: 'openai-gemini-sidecar', key: 'SIDECAR_API_KEYS' });
  });

  it("listens on the chart's sidecar-mode ports, declared with names and numbers free in the ingress pod", () => {
    expect({ api, admin }).toEqual({ api: chart.sidecar.ports.http, admin: chart.sidecar.ports.metrics });
    expect(container.ports).toEqual([
      { name: 'gemini-http', containerPort: api, protocol: 'TCP' },
      { name: 'gemini-metrics', containerPort: admin, protocol: 'TCP' },
    ]);
    for (const port of container.ports ?? []) {
      expect(port.name.length).toBeLessThanOrEqual(15);
      expect(takenNames).not.toContain(port.name);
      expect(takenPorts).not.toContain(port.containerPort);
    }
  });

  it('probes /readyz and /healthz on the admin port (local checks that never call Gemini)', () => {
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'gemini-metrics' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'gemini-metrics' });
  });

  it('runs as the image user with a read-only root filesystem', () => {
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
  });

  // Issue: streams were cut when the ingress pod restarted: Traefik stopped at SIGTERM + 10 s, Kong's nginx gives
  // streams 10 s after `kong quit`, and nothing said how long the proxy itself drains.
  it('accepts as long as the ingress does, the ingress lets streams run as long as the sidecar serves them, inside the grace period', () => {
    const command = container.lifecycle?.preStop?.exec?.command;
    const preStopSeconds = command ? Number(command[1]) : 0;
    if (command) expect(command[0]).toBe('sleep');
    const { drainDelayMs, shutdownTimeoutMs } = config.server;
    // The sidecar still accepts whenever the proxy does (a regular sidecar gets SIGTERM with the proxy)...
    expect(preStopSeconds + drainDelayMs / 1_000).toBeGreaterThanOrEqual(proxyAcceptSeconds);
    // ...and the proxy does not cut a stream the sidecar is still answering.
    const servingSeconds = preStopSeconds + (drainDelayMs + shutdownTimeoutMs) / 1_000;
    expect(proxyDrainSeconds).toBeGreaterThanOrEqual(servingSeconds);
    // After the drain, main.ts flushes spans: up to the OTLP exporter's 10 s timeout when no collector answers.
    expect(gracePeriodSeconds).toBeGreaterThan(servingSeconds + OTLP_EXPORT_TIMEOUT_MS / 1_000);
    expect(gracePeriodSeconds).toBeGreaterThan(proxyAcceptSeconds + proxyDrainSeconds);
  });
});

describe('Kong', () => {
  interface KongService {
    name: string;
    url: string;
    read_timeout: number;
    write_timeout: number;
    routes: Array<{ paths: string[]; strip_path: boolean; request_buffering: boolean; response_buffering: boolean; protocols: string[] }>;
  }
  const declarative = yamlDocument<{ _format_version: string; services: KongService[] }>('kong/kong.yaml');
  const kongSidecar = HOSTS[0]!.container;

  it('values-sidecar.yaml runs Kong DB-less from the kong.yml ConfigMap, without the controller', () => {
    expect(kong.ingressController.enabled).toBe(false);
    expect(kong.dblessConfig.configMap).toBe('kong-dbless-gemini');
    expect(readText('kong/values-sidecar.yaml')).toContain('--from-file=kong.yml=config/ingress/kong/kong.yaml');
  });

  it('kong.yaml sends both prefixes to the sidecar port, unbuffered, with timeouts beyond the sidecar', () => {
    expect(declarative._format_version).toBe('3.0');
    const [service] = declarative.services;
    expect(declarative.services).toHaveLength(1);
    expect(service!.url).toBe(`http://127.0.0.1:${listenPorts(kongSidecar).api}`);
    expect(service!.read_timeout).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(service!.write_timeout).toBeGreaterThan(SIDECAR_TOTAL_MS);
    const [route] = service!.routes;
    expect(route!.paths).toEqual(PREFIXES.map((prefix) => `${prefix}/`));
    expect(route).toMatchObject({ strip_path: false, request_buffering: false, response_buffering: false });
  });

  describe('deck validate (Debian deck 1.4.0; npm test provisions it)', () => {
    const deck = (file: string) => {
      const result = spawnSync(systemTool('deck'), ['validate', '-s', file], { encoding: 'utf8', timeout: 20_000 });
      if (result.error) throw new Error(`deck could not run: ${result.error.message}`);
      return result;
    };
    let scratch: string;
    beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'deck-'))));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('accepts config/ingress/kong/kong.yaml', () => {
      const result = deck(join(INGRESS, 'kong/kong.yaml'));
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
    });

    it('rejects a copy with a misspelt field (so the check above is not a no-op)', () => {
      const broken = join(scratch, 'kong.yaml');
      writeFileSync(broken, readText('kong/kong.yaml').replace('response_buffering: false', 'response_bufering: false'));
      const result = deck(broken);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('response_bufering');
    });
  });

  it('kic-annotations.yaml puts the timeouts on the Service and path/buffering settings on the Ingress', () => {
    const objects = kubeObjects('kong/kic-annotations.yaml');
    const service = byKind(objects, 'Service');
    expect(Number(service.metadata.annotations?.['konghq.com/read-timeout'])).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(Number(service.metadata.annotations?.['konghq.com/write-timeout'])).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(service.spec.ports).toEqual([
      { name: 'http', port: chart.ports.http, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: chart.ports.metrics, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    const ingress = byKind(objects, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('kong');
    expect(ingress.metadata.annotations).toMatchObject({
      'konghq.com/strip-path': 'false',
      'konghq.com/request-buffering': 'false',
      'konghq.com/response-buffering': 'false',
    });
    expectIngressPaths(ingress, service.metadata.name);
  });
});

/** The Ingress routes exactly the two prefixes (Prefix match) to the Service's http port. */
function expectIngressPaths(ingress: KubeObject, serviceName: string): void {
  const rules = ingress.spec.rules as Array<{ http: { paths: Array<{ path: string; pathType: string; backend: unknown }> } }>;
  expect(rules).toHaveLength(1);
  expect(rules[0]!.http.paths).toEqual(
    PREFIXES.map((path) => ({ path, pathType: 'Prefix', backend: { service: { name: serviceName, port: { name: 'http' } } } })),
  );
}

describe('Traefik', () => {
  interface Dynamic {
    http: {
      routers: Record<string, { rule: string; priority?: number; entryPoints?: string[]; service: string }>;
      services: Record<string, { loadBalancer: { serversTransport: string; servers: Array<{ url: string }> } }>;
      serversTransports: Record<string, { forwardingTimeouts: { dialTimeout: string; responseHeaderTimeout: string; idleConnTimeout: string } }>;
    };
  }
  const dynamic = yamlDocument<Dynamic>('traefik/dynamic.yaml');

  // Issue 15: Traefik's standard proxy cut about one stream in 200 in the cluster suite (traefik/traefik#11767).
  it('values-sidecar.yaml turns on FastProxy, which does not cut streams from a backend that answers at once', () => {
    expect(traefik.experimental?.fastProxy?.enabled).toBe(true);
  });

  it('values-sidecar.yaml enables the file provider with exactly the document of dynamic.yaml', () => {
    expect(traefik.providers.file.enabled).toBe(true);
    expect(parseYaml(traefik.providers.file.content)).toEqual(dynamic);
  });

  it('routes both prefixes on the web entry point (the one every Traefik chart install has) to the sidecar port in the pod', () => {
    const routers = Object.values(dynamic.http.routers);
    expect(routers).toHaveLength(1);
    const [router] = routers;
    expect(router!.rule).toBe(PREFIXES.map((prefix) => `PathPrefix(\`${prefix}/\`)`).join(' || '));
    // Issue: it named websecure, which logs an error on every reload where that entry point does not exist.
    expect(router!.entryPoints).toEqual(['web']);
    const service = dynamic.http.services[router!.service];
    expect(service?.loadBalancer.servers).toEqual([{ url: `http://127.0.0.1:${listenPorts(HOSTS[1]!.container).api}` }]);
  });

  // Issue: Traefik ranks routers without a priority by rule length, and this rule outranked another app's Ingress for
  // /v1 on the same Traefik, which was silently bypassed.
  it('gives the router an explicit priority below any rule-length priority, so every other matching router wins', () => {
    const [router] = Object.values(dynamic.http.routers);
    const otherRules = ['PathPrefix(`/`)', 'PathPrefix(`/v1`)', 'Host(`app.example.com`) && PathPrefix(`/v1`)'];
    /** Traefik's rank: the explicit priority, else the rule's length. */
    const rank = (candidate: { rule: string; priority?: number }): number => candidate.priority ?? candidate.rule.length;
    expect(router!.rule.length).toBeGreaterThan('PathPrefix(`/v1`)'.length);
    for (const rule of otherRules) expect({ rule, oursFirst: rank(router!) >= rank({ rule }) }).toEqual({ rule, oursFirst: false });
    expect(router!.priority).toBe(1);
    const comments = readText('traefik/dynamic.yaml').split('\n').filter((line) => line.startsWith('#')).join(' ');
    expect(comments).toContain('Host(`ai.example.com`) && (PathPrefix(...) || ...)');
  });

  it('its servers transport waits longer than the sidecar for headers and drops idle connections before it does', () => {
    const service = Object.values(dynamic.http.services)[0]!;
    const transport = dynamic.http.serversTransports[service.loadBalancer.serversTransport];
    expect(transport).toBeDefined();
    expect(durationMs(transport!.forwardingTimeouts.responseHeaderTimeout)).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(durationMs(transport!.forwardingTimeouts.idleConnTimeout)).toBeLessThan(TCP_KEEP_ALIVE_MS);
  });
});

describe('Envoy (static bootstrap)', () => {
  interface Route {
    match: { prefix: string };
    route: { cluster: string; timeout: string; idle_timeout: string };
  }
  interface Bootstrap {
    static_resources: {
      listeners: Array<{
        filter_chains: Array<{
          filters: Array<{
            name: string;
            typed_config: { route_config: { virtual_hosts: Array<{ domains: string[]; routes: Route[] }> }; http_filters: Array<{ name: string }> };
          }>;
        }>;
      }>;
      clusters: Array<{
        name: string;
        typed_extension_protocol_options: Record<string, { common_http_protocol_options: { idle_timeout: string } }>;
        load_assignment: { endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { address: string; port_value: number } } } }> }> };
      }>;
    };
  }
  const bootstrap = yamlDocument<Bootstrap>('envoy/envoy.yaml');
  const [listener] = bootstrap.static_resources.listeners;
  const manager = listener!.filter_chains[0]!.filters.find((filter) => filter.name === 'envoy.filters.network.http_connection_manager')!;

  it('routes both prefixes with the route timeout off and an idle timeout beyond the sidecar', () => {
    const routes = manager.typed_config.route_config.virtual_hosts[0]!.routes;
    expect(routes.map((route) => route.match.prefix)).toEqual(PREFIXES.map((prefix) => `${prefix}/`));
    for (const { route } of routes) {
      expect(route.timeout).toBe('0s');
      expect(durationMs(route.idle_timeout)).toBeGreaterThan(SIDECAR_TOTAL_MS);
      expect(bootstrap.static_resources.clusters.map((cluster) => cluster.name)).toContain(route.cluster);
    }
    expect(manager.typed_config.http_filters.at(-1)!.name).toBe('envoy.filters.http.router');
  });

  it("is written for the image's default API port and names the chart's sidecar-mode port, as the README's Deploy table does", () => {
    const header = readText('envoy/envoy.yaml').split('\n').filter((line) => line.startsWith('#')).join('\n');
    expect(header).toContain(`127.0.0.1:${config.server.port}, the image's`);
    expect(header).toContain(`port_value: ${chart.sidecar.ports.http}`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| Plain Envoy, any pod |'));
    expect(row).toContain(`\`port_value\` ${chart.sidecar.ports.http} instead of ${config.server.port}`);
  });

  it('its cluster points at the sidecar port and closes idle connections before the sidecar does', () => {
    const [cluster] = bootstrap.static_resources.clusters;
    const endpoint = cluster!.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint;
    expect(endpoint.address.socket_address).toEqual({ address: '127.0.0.1', port_value: config.server.port });
    const options = cluster!.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
    expect(durationMs(options!.common_http_protocol_options.idle_timeout)).toBeLessThan(TCP_KEEP_ALIVE_MS);
  });
});

describe('Envoy (deployment.yaml: plain Envoy with the sidecar in its pod)', () => {
  interface PodTemplate {
    spec: {
      template: {
        spec: {
          terminationGracePeriodSeconds: number;
          initContainers: Array<Container & { restartPolicy?: string }>;
          containers: Array<Container & { args: string[]; volumeMounts: Array<{ name: string; mountPath: string }> }>;
          volumes: Array<{ name: string; configMap?: { name: string } }>;
        };
      };
    };
  }
  const deployment = byKind<KubeObject & PodTemplate>(kubeObjects('envoy/deployment.yaml'), 'Deployment');
  const podSpec = deployment.spec.template.spec;
  const envoy = podSpec.containers.find((container) => container.name === 'envoy')!;
  const sidecar = onlySidecar(podSpec.initContainers) as Container & { restartPolicy?: string };
  const bootstrap = yamlDocument<{ admin: { address: { socket_address: { address: string; port_value: number } } }; static_resources: { clusters: Array<{ load_assignment: { endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { port_value: number } } } }> }> } }> } }>('envoy/envoy.yaml');
  const flag = (name: string): string | undefined => envoy.args[envoy.args.indexOf(name) + 1];
  /** Seconds the (native) sidecar may still answer a stream after its SIGTERM... which comes only after Envoy's. */
  const servingSeconds = (config.server.drainDelayMs + config.server.shutdownTimeoutMs) / 1_000;

  it('runs the sidecar as a native sidecar on the port envoy.yaml sends to, with the image and Secret of the other snippets', () => {
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.image).toBe(SNIPPET_IMAGE);
    const clusterPort = bootstrap.static_resources.clusters[0]!.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint.address.socket_address.port_value;
    expect(listenPorts(sidecar).api).toBe(clusterPort);
    expect(sidecar.env?.find((variable) => variable.name === 'SIDECAR_API_KEYS')?.valueFrom?.secretKeyRef).toEqual({ name: 'openai-gemini-sidecar', key: 'SIDECAR_API_KEYS' });
    expect(sidecar.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'gemini-metrics' });
    const configDirectory = flag('--config-path')!.slice(0, flag('--config-path')!.lastIndexOf('/'));
    const mount = envoy.volumeMounts.find((volumeMount) => volumeMount.mountPath === configDirectory)!;
    expect(podSpec.volumes.find((volume) => volume.name === mount.name)?.configMap?.name).toBe('envoy-gemini');
    expect(readText('envoy/deployment.yaml')).toContain('create configmap envoy-gemini --from-file=envoy.yaml=config/ingress/envoy/envoy.yaml');
  });

  // Issue: plain Envoy exits at once on SIGTERM, cutting the streams the sidecar was still finishing.
  it('drains Envoy through its admin port and keeps it up as long as the sidecar serves, before SIGTERM', () => {
    const admin = bootstrap.admin.address.socket_address;
    expect(admin.address).toBe('127.0.0.1');
    const command = envoy.lifecycle?.preStop?.exec?.command ?? [];
    expect(command.slice(0, 2)).toEqual(['/bin/bash', '-c']);
    const script = command[2] ?? '';
    expect(script).toContain(`/dev/tcp/127.0.0.1/${admin.port_value}`);
    expect(script).toContain('POST /drain_listeners?graceful HTTP/1.1');
    // Envoy accepts (with Connection: close) for the drain time, as the sidecar does for its drain delay, then lets
    // what it accepted run for the sidecar's shutdown timeout before SIGTERM ends it.
    const sleep = Number(/sleep (\d+)$/.exec(script)?.[1]);
    const drainTime = Number(flag('--drain-time-s'));
    expect(drainTime).toBe(config.server.drainDelayMs / 1_000);
    expect(sleep).toBeGreaterThanOrEqual(drainTime + config.server.shutdownTimeoutMs / 1_000);
    expect(sleep).toBeGreaterThanOrEqual(servingSeconds);
    expect(flag('--drain-strategy')).toBe('immediate');
    // Envoy leaves after its preStop; then the native sidecar drains and flushes its spans.
    expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThan(sleep + (config.server.drainDelayMs + OTLP_EXPORT_TIMEOUT_MS) / 1_000);
  });

  it('is a Deployment kubernetes-validate accepts (--strict, Kubernetes 1.30 and 1.37)', async () => {
    const verdicts = await validateCoreKinds([{ source: 'envoy/deployment.yaml', object: deployment as unknown as K8sObject }]);
    expect(verdicts.map((verdict) => verdict.status)).toEqual(['passed', 'passed']);
  }, 30_000);
});

describe('Envoy Gateway', () => {
  const sidecar = HOSTS[2]!.container;
  const socketPath = envValue(sidecar, 'SOCKET_PATH')!;
  const backend = byKind<KubeObject & { spec: { endpoints: Array<{ unix?: { path: string } }> } }>(kubeObjects('envoy-gateway/backend.yaml'), 'Backend');
  const routeObjects = kubeObjects('envoy-gateway/httproute.yaml');
  const route = byKind(routeObjects, 'HTTPRoute');

  it('the EnvoyProxy patch shares one emptyDir between envoy and the sidecar at the socket directory', () => {
    expect(envoyProxy.apiVersion).toBe('gateway.envoyproxy.io/v1alpha1');
    expect(envoyProxy.spec.provider.kubernetes.envoyDeployment.patch.type).toBe('StrategicMerge');
    expect(socketPath).toMatch(/^\/.+\.sock$/);
    expect(Buffer.byteLength(socketPath)).toBeLessThan(108);
    const envoy = envoyPodSpec.containers.find((container) => container.name === 'envoy')!;
    const socketDirectory = socketPath.slice(0, socketPath.lastIndexOf('/'));
    const mountOf = (container: Container) => container.volumeMounts?.find((mount) => mount.mountPath === socketDirectory);
    expect(mountOf(envoy)).toBeDefined();
    expect(mountOf(sidecar)?.name).toBe(mountOf(envoy)!.name);
    expect(envoyPodSpec.volumes.find((volume) => volume.name === mountOf(envoy)!.name)?.emptyDir).toBeDefined();
  });

  it("the sidecar runs with the envoy container's group (the chart's proxyGroup), since the socket is mode 0660", () => {
    expect(mainSource).toContain('chmod(path, 0o660)');
    expect(sidecar.securityContext?.runAsGroup).toBe(chart.sidecar.proxyGroup);
    expect(chart.sidecar.proxyGroup).toBe(65532);
  });

  it('the Backend is that socket, and the HTTPRoute sends both prefixes to it with the request timeout off', () => {
    expect(backend.spec.endpoints).toEqual([{ unix: { path: socketPath } }]);
    expect(route.metadata.namespace).toBe(backend.metadata.namespace);
    const rules = route.spec.rules as Array<{ matches: Array<{ path: { type: string; value: string } }>; backendRefs: unknown[]; timeouts: { request: string } }>;
    expect(rules).toHaveLength(1);
    expect(rules[0]!.matches).toEqual(PREFIXES.map((value) => ({ path: { type: 'PathPrefix', value } })));
    expect(rules[0]!.backendRefs).toEqual([{ group: 'gateway.envoyproxy.io', kind: 'Backend', name: backend.metadata.name }]);
    expect(rules[0]!.timeouts.request).toBe('0s');
  });

  it('a BackendTrafficPolicy drops idle socket connections before the sidecar does', () => {
    const policy = byKind(routeObjects, 'BackendTrafficPolicy');
    expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route.metadata.name }]);
    const idle = (policy.spec.timeout as { http: { connectionIdleTimeout: string } }).http.connectionIdleTimeout;
    expect(durationMs(idle)).toBeLessThan(SOCKET_KEEP_ALIVE_MS);
  });

  it('the optional ClientTrafficPolicy lifts the 5 min stream idle timeout above the sidecar limits', () => {
    const policy = byKind(kubeObjects('envoy-gateway/clienttrafficpolicy.yaml'), 'ClientTrafficPolicy');
    const idle = (policy.spec.timeout as { http: { streamIdleTimeout: string } }).http.streamIdleTimeout;
    expect(durationMs(idle)).toBeGreaterThan(SIDECAR_TOTAL_MS);
  });
});

describe('nginx', () => {
  const conf = readText('nginx/nginx.conf');

  /** The body of `location <prefix> { … }` (locations here hold no nested blocks). */
  function location(prefix: string): string {
    const match = new RegExp(`location ${prefix.replaceAll('/', '\\/')} \\{([^}]*)\\}`).exec(conf);
    if (!match) throw new Error(`nginx.conf has no location ${prefix}`);
    return match[1]!;
  }

  function directive(block: string, name: string): string | undefined {
    return new RegExp(`^\\s*${name} ([^;]+);`, 'm').exec(block)?.[1];
  }

  it.each(PREFIXES.map((prefix) => `${prefix}/`))('location %s proxies to the sidecar upstream, unbuffered, with long timeouts', (prefix) => {
    const block = location(prefix);
    expect(directive(block, 'proxy_pass')).toBe('http://openai_gemini_sidecar');
    expect(directive(block, 'proxy_http_version')).toBe('1.1');
    expect(directive(block, 'proxy_set_header Connection')).toBe('""');
    expect(directive(block, 'proxy_buffering')).toBe('off');
    expect(directive(block, 'proxy_request_buffering')).toBe('off');
    expect(durationMs(directive(block, 'proxy_read_timeout'))).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(durationMs(directive(block, 'proxy_send_timeout'))).toBeGreaterThan(SIDECAR_TOTAL_MS);
  });

  it('lets streams run on a graceful stop as long as the sidecar serves them (worker_shutdown_timeout)', () => {
    expect(durationMs(directive(conf, 'worker_shutdown_timeout'))).toBeGreaterThanOrEqual(config.server.drainDelayMs + config.server.shutdownTimeoutMs);
  });

  it('the upstream keeps connections alive for less time than the sidecar, and bodies up to the sidecar limit pass', () => {
    const upstream = /upstream openai_gemini_sidecar \{([^}]*)\}/.exec(conf)![1]!;
    expect(directive(upstream, 'server')).toBe(`127.0.0.1:${config.server.port}`);
    expect(durationMs(directive(upstream, 'keepalive_timeout'))).toBeLessThan(TCP_KEEP_ALIVE_MS);
    const bodyLimit = /client_max_body_size (\d+)m;/.exec(conf);
    expect(Number(bodyLimit?.[1]) * 1024 * 1024).toBeGreaterThanOrEqual(config.server.bodyLimitBytes);
  });

  it('ingress-nginx.yaml annotates timeouts, buffering and body size for streaming LLM traffic', () => {
    const ingress = byKind(kubeObjects('nginx/ingress-nginx.yaml'), 'Ingress');
    const annotations = ingress.metadata.annotations ?? {};
    const annotation = (name: string) => annotations[`nginx.ingress.kubernetes.io/${name}`];
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(Number(annotation('proxy-read-timeout')) * 1_000).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(Number(annotation('proxy-send-timeout')) * 1_000).toBeGreaterThan(SIDECAR_TOTAL_MS);
    expect(annotation('proxy-buffering')).toBe('off');
    expect(annotation('proxy-request-buffering')).toBe('off');
    expect(Number(/^(\d+)m$/.exec(annotation('proxy-body-size') ?? '')?.[1]) * 1024 * 1024).toBeGreaterThanOrEqual(config.server.bodyLimitBytes);
    expectIngressPaths(ingress, 'openai-gemini-sidecar');
  });
});
