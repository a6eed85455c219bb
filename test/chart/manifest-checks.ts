import { parse } from 'yaml';
import type { K8sObject } from './chart-tools';

type Tree = Record<string, unknown>;

/** A container as the chart renders it (the fields the tests read). */
export interface Container {
  name: string;
  image: string;
  restartPolicy?: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }>;
  securityContext?: Tree;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}

/** Where each sidecar.target puts containers and volumes in its snippet (paths into the pasted YAML). */
const SNIPPET_LAYOUT: Record<string, { containers: Record<'native' | 'regular', string[]>; volumes: string[] }> = {
  'envoy-gateway': {
    containers: {
      native: ['spec', 'provider', 'kubernetes', 'envoyDeployment', 'initContainers'],
      regular: ['spec', 'provider', 'kubernetes', 'envoyDeployment', 'patch', 'value', 'spec', 'template', 'spec', 'containers'],
    },
    volumes: ['spec', 'provider', 'kubernetes', 'envoyDeployment', 'pod', 'volumes'],
  },
  kong: { containers: { native: ['deployment', 'initContainers'], regular: ['deployment', 'sidecarContainers'] }, volumes: ['deployment', 'userDefinedVolumes'] },
  traefik: { containers: { native: ['deployment', 'initContainers'], regular: ['deployment', 'additionalContainers'] }, volumes: ['deployment', 'additionalVolumes'] },
  'ingress-nginx': { containers: { native: ['controller', 'extraInitContainers'], regular: ['controller', 'extraContainers'] }, volumes: ['controller', 'extraVolumes'] },
  generic: { containers: { native: ['initContainers'], regular: ['containers'] }, volumes: ['volumes'] },
};

function at(tree: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);
}

/** '35s' → 35. */
function seconds(value: unknown): number | undefined {
  const match = /^(\d+)s$/.exec(String(value));
  return match ? Number(match[1]) : undefined;
}

/** How the proxy of an ingress pod stops, as a snippet sets it: seconds it keeps accepting, then lets streams run. */
export interface ProxyShutdown {
  /** Seconds the proxy keeps accepting new requests after the pod starts terminating. */
  acceptSeconds: number;
  /** Seconds it then lets in-flight streams run (undefined: the snippet cannot set it, as for a generic proxy). */
  drainSeconds: number | undefined;
  /** The pod's terminationGracePeriodSeconds. */
  graceSeconds: number | undefined;
}

/**
 * The proxy's own shutdown settings in a snippet, read where each ingress chart takes them: Traefik's entry point
 * lifeCycle, Kong's nginx_main_worker_shutdown_timeout after its chart's `kong quit --wait=15`, ingress-nginx's
 * worker-shutdown-timeout, Envoy Gateway's EnvoyProxy shutdown (which sets the grace period to drainTimeout + 300 s).
 */
export function proxyShutdown(target: string, snippet: unknown): ProxyShutdown {
  switch (target) {
    case 'traefik': {
      const ports = Object.values((at(snippet, ['ports']) ?? {}) as Record<string, Tree>);
      const lifeCycles = ports.map((port) => at(port, ['transport', 'lifeCycle']) as Tree);
      const least = (key: string): number => Math.min(...lifeCycles.map((lifeCycle) => seconds(lifeCycle?.[key]) ?? 0));
      return { acceptSeconds: least('requestAcceptGraceTimeout'), drainSeconds: ports.length ? least('graceTimeOut') : undefined, graceSeconds: at(snippet, ['deployment', 'terminationGracePeriodSeconds']) as number };
    }
    case 'kong':
      return { acceptSeconds: 15, drainSeconds: seconds(at(snippet, ['env', 'nginx_main_worker_shutdown_timeout'])), graceSeconds: at(snippet, ['terminationGracePeriodSeconds']) as number };
    case 'ingress-nginx':
      return { acceptSeconds: 0, drainSeconds: seconds(at(snippet, ['controller', 'config', 'worker-shutdown-timeout'])), graceSeconds: at(snippet, ['controller', 'terminationGracePeriodSeconds']) as number };
    case 'envoy-gateway': {
      const drain = seconds(at(snippet, ['spec', 'shutdown', 'drainTimeout']));
      return { acceptSeconds: seconds(at(snippet, ['spec', 'shutdown', 'minDrainDuration'])) ?? 0, drainSeconds: drain, graceSeconds: drain === undefined ? undefined : drain + 300 };
    }
    default:
      return { acceptSeconds: 0, drainSeconds: undefined, graceSeconds: at(snippet, ['terminationGracePeriodSeconds']) as number };
  }
}

/** The YAML between the "# BEGIN gemini-sidecar snippet" and "# END" lines of NOTES, parsed. */
export function snippetFromNotes(notes: string): unknown {
  const match = /^# BEGIN gemini-sidecar snippet \(([a-z-]+)\)\n([\s\S]*?)^# END gemini-sidecar snippet$/m.exec(notes);
  if (!match) throw new Error(`NOTES has no "# BEGIN gemini-sidecar snippet" … "# END" block:\n${notes}`);
  return parse(match[2]!);
}

/** The sidecar container and the volumes of a pasted snippet, found where the target's chart expects them. */
export function snippetParts(target: string, native: boolean, snippet: unknown): { container: Container; volumes: Tree[] } {
  const layout = SNIPPET_LAYOUT[target];
  if (!layout) throw new Error(`unknown sidecar.target ${target}`);
  const containers = at(snippet, layout.containers[native ? 'native' : 'regular']);
  const volumes = at(snippet, layout.volumes);
  if (!Array.isArray(containers) || containers.length !== 1) throw new Error(`${target} snippet: no container list at ${layout.containers[native ? 'native' : 'regular'].join('.')}`);
  if (!Array.isArray(volumes)) throw new Error(`${target} snippet: no volume list at ${layout.volumes.join('.')}`);
  return { container: containers[0] as Container, volumes: volumes as Tree[] };
}

/** A Pod holding the snippet's container (next to a stand-in proxy container), for schema validation. */
export function podAround(container: Container, volumes: Tree[]): K8sObject {
  const proxy = { name: 'proxy', image: 'example.com/ingress-proxy:1' };
  const native = container.restartPolicy === 'Always';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ingress-with-gemini-sidecar' },
    spec: native ? { initContainers: [container], containers: [proxy], volumes } : { containers: [proxy, container], volumes },
  };
}

/** Why an Envoy Gateway Backend is invalid (no package ships its schema): the fields and rules of its CRD we use. */
export function backendProblems(backend: K8sObject): string[] {
  const problems: string[] = [];
  const unknown = (tree: Tree, allowed: readonly string[], where: string): void => {
    for (const key of Object.keys(tree)) if (!allowed.includes(key)) problems.push(`${where}.${key} is not a Backend field`);
  };
  if (backend.apiVersion !== 'gateway.envoyproxy.io/v1alpha1') problems.push(`apiVersion ${backend.apiVersion}`);
  unknown(backend, ['apiVersion', 'kind', 'metadata', 'spec'], '');
  const spec = (backend.spec ?? {}) as Tree;
  unknown(spec, ['appProtocols', 'endpoints', 'fallback', 'tls', 'type'], 'spec');
  const endpoints = spec.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length < 1 || endpoints.length > 64) problems.push('spec.endpoints must hold 1 to 64 endpoints');
  for (const [index, endpoint] of (Array.isArray(endpoints) ? endpoints : []).entries()) {
    const where = `spec.endpoints[${index}]`;
    unknown(endpoint as Tree, ['fqdn', 'hostname', 'ip', 'unix', 'zone'], where);
    const kinds = ['fqdn', 'ip', 'unix'].filter((kind) => (endpoint as Tree)[kind] !== undefined);
    if (kinds.length !== 1) problems.push(`${where}: exactly one of fqdn, ip or unix`);
    const unix = (endpoint as Tree).unix as Tree | undefined;
    if (unix) {
      unknown(unix, ['path'], `${where}.unix`);
      const path = unix.path;
      if (typeof path !== 'string' || !path.startsWith('/')) problems.push(`${where}.unix.path must be an absolute path`);
      else if (path.length > 108) problems.push(`${where}.unix.path must not exceed 108 characters`);
    }
  }
  return problems;
}

/** Envoy Gateway's duration format (its CRDs' pattern for every timeout field). */
const ENVOY_GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
/** What a BackendTrafficPolicy may target (its CRD's x-kubernetes-validations). */
const POLICY_TARGET_KINDS = ['Gateway', 'HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'];

/**
 * Why an Envoy Gateway BackendTrafficPolicy is invalid (no package ships its schema): the rules of its CRD
 * (gateway.envoyproxy.io_backendtrafficpolicies.yaml) for the fields the chart and the snippets use. Any other spec
 * field is reported as not checked, so a new field needs its rules here first.
 */
export function backendTrafficPolicyProblems(policy: K8sObject): string[] {
  const problems: string[] = [];
  const unknown = (tree: Tree, allowed: readonly string[], where: string): void => {
    for (const key of Object.keys(tree)) if (!allowed.includes(key)) problems.push(`${where}.${key} is not a BackendTrafficPolicy field checked here`);
  };
  const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (policy.apiVersion !== 'gateway.envoyproxy.io/v1alpha1') problems.push(`apiVersion ${policy.apiVersion}`);
  unknown(policy, ['apiVersion', 'kind', 'metadata', 'spec'], '');
  const spec = isTree(policy.spec) ? policy.spec : {};
  unknown(spec, ['targetRefs', 'timeout'], 'spec');
  const targetRefs = spec.targetRefs;
  if (!Array.isArray(targetRefs) || targetRefs.length < 1) problems.push('spec: either targetRef or targetRefs must be used');
  for (const [index, ref] of (Array.isArray(targetRefs) ? targetRefs : []).entries()) {
    const where = `spec.targetRefs[${index}]`;
    if (!isTree(ref)) {
      problems.push(`${where} must be an object`);
      continue;
    }
    unknown(ref, ['group', 'kind', 'name', 'sectionName'], where);
    if (ref.group !== 'gateway.networking.k8s.io') problems.push(`${where}.group must be gateway.networking.k8s.io`);
    if (!POLICY_TARGET_KINDS.includes(String(ref.kind))) problems.push(`${where}.kind must be one of ${POLICY_TARGET_KINDS.join('/')}`);
    if (typeof ref.name !== 'string' || ref.name.length < 1 || ref.name.length > 253) problems.push(`${where}.name must be 1 to 253 characters`);
    if (ref.sectionName !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(String(ref.sectionName))) {
      problems.push(`${where}.sectionName is not a DNS subdomain`);
    }
  }
  if (spec.timeout !== undefined) {
    const timeout = isTree(spec.timeout) ? spec.timeout : {};
    unknown(timeout, ['http', 'tcp'], 'spec.timeout');
    const durations: Record<string, readonly string[]> = {
      http: ['connectionIdleTimeout', 'maxConnectionDuration', 'maxStreamDuration', 'requestTimeout'],
      tcp: ['connectTimeout'],
    };
    for (const [section, fields] of Object.entries(durations)) {
      const block = timeout[section];
      if (block === undefined) continue;
      if (!isTree(block)) {
        problems.push(`spec.timeout.${section} must be an object`);
        continue;
      }
      unknown(block, fields, `spec.timeout.${section}`);
      for (const name of fields) {
        const value = block[name];
        if (value !== undefined && (typeof value !== 'string' || !ENVOY_GATEWAY_DURATION.test(value))) {
          problems.push(`spec.timeout.${section}.${name} ${JSON.stringify(value)} is not a duration like 4s`);
        }
      }
    }
  }
  return problems;
}

/** The custom resources no package has a schema for, each checked by the rules taken from its CRD. */
export const CRD_RULES: Record<string, (object: K8sObject) => string[]> = {
  Backend: backendProblems,
  BackendTrafficPolicy: backendTrafficPolicyProblems,
};

/** Every container of a workload or Pod object (init containers included). */
export function containersOf(object: K8sObject): Container[] {
  const podSpec = (object.kind === 'Pod' ? object.spec : at(object, ['spec', 'template', 'spec'])) as Tree | undefined;
  if (!podSpec) return [];
  return [...((podSpec.initContainers as Container[] | undefined) ?? []), ...((podSpec.containers as Container[] | undefined) ?? [])];
}

/** Names of every port of a list of objects: container ports and Service ports, with where each comes from. */
export function portNames(objects: readonly K8sObject[]): Array<{ where: string; name: string }> {
  const names: Array<{ where: string; name: string }> = [];
  for (const object of objects) {
    for (const container of containersOf(object)) {
      for (const port of container.ports ?? []) if (port.name) names.push({ where: `${object.kind}/${object.metadata.name} ${container.name}`, name: port.name });
    }
    if (object.kind === 'Service') {
      for (const port of (at(object, ['spec', 'ports']) as Array<{ name?: string }> | undefined) ?? []) {
        if (port.name) names.push({ where: `Service/${object.metadata.name}`, name: port.name });
      }
    }
  }
  return names;
}

/** The sidecar configuration carried by the chart's ConfigMap (config.yaml), parsed. */
export function renderedConfig(objects: readonly K8sObject[]): Tree {
  const configMap = objects.find((object) => object.kind === 'ConfigMap' && (object.data as Tree | undefined)?.['config.yaml'] !== undefined);
  if (!configMap) throw new Error('no ConfigMap with config.yaml rendered');
  return parse((configMap.data as Record<string, string>)['config.yaml']!) as Tree;
}

/** Finds exactly one object of a kind (optionally with a name suffix), or fails naming what was rendered. */
export function one(objects: readonly K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = objects.filter((object) => object.kind === kind && object.metadata.name.endsWith(nameSuffix));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${nameSuffix ? ` *${nameSuffix}` : ''}, found ${found.length} among ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ')}`);
  }
  return found[0]!;
}

/** Object property access for assertions on rendered YAML. */
export function field(tree: unknown, path: string): unknown {
  return at(tree, path.split('.'));
}
