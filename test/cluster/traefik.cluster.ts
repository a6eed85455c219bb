import { parse } from 'yaml';
import { IMAGES, deployment, kubectl } from './lab';
import { describeSidecarMode, proxyService, repoFile, type Snippet } from './sidecar-mode';

// Traefik (v3.6, built from its Go module) with the chart's traefik snippet: the values for the traefik/traefik chart,
// applied here the way that chart renders them (its repository is not reachable from this machine): the entry point
// web on :8000 with the snippet's lifeCycle, the snippet's grace period, init containers and volumes, and the route of
// config/ingress/traefik/dynamic.yaml (what NOTES print) through the file provider.

interface TraefikValues {
  experimental?: { fastProxy?: { enabled?: boolean } };
  ports: { web: { transport: { lifeCycle: { requestAcceptGraceTimeout: string; graceTimeOut: string } } } };
  deployment: { terminationGracePeriodSeconds: number; initContainers: unknown[]; additionalVolumes: unknown[] };
}

describeSidecarMode({
  name: 'traefik',
  target: 'traefik',
  hostPorts: [8000, 8080],
  port: 8000,
  manifests: (snippet: Snippet, namespace: string) => {
    const values = snippet as unknown as TraefikValues;
    const lifeCycle = values.ports.web.transport.lifeCycle;
    const dynamic = parse(repoFile('config/ingress/traefik/dynamic.yaml')) as unknown;
    return [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'traefik-dynamic', namespace }, data: { 'dynamic.yaml': JSON.stringify(dynamic) } },
      deployment('traefik', namespace, {
        terminationGracePeriodSeconds: values.deployment.terminationGracePeriodSeconds,
        initContainers: values.deployment.initContainers,
        containers: [
          {
            name: 'traefik',
            image: IMAGES.traefik,
            imagePullPolicy: 'IfNotPresent',
            command: ['traefik'],
            args: [
              '--entryPoints.web.address=:8000',
              `--entryPoints.web.transport.lifeCycle.requestAcceptGraceTimeout=${lifeCycle.requestAcceptGraceTimeout}`,
              `--entryPoints.web.transport.lifeCycle.graceTimeOut=${lifeCycle.graceTimeOut}`,
              // The traefik/traefik chart renders experimental.fastProxy.enabled as this flag.
              ...(values.experimental?.fastProxy?.enabled ? ['--experimental.fastProxy'] : []),
              '--entryPoints.traefik.address=:8080',
              '--ping=true',
              '--providers.file.filename=/etc/traefik/dynamic/dynamic.yaml',
              '--log.level=INFO',
              '--log.noColor=true',
              // No version check or usage report: nothing in the lab talks to the outside.
              '--global.checkNewVersion=false',
              '--global.sendAnonymousUsage=false',
            ],
            ports: [{ name: 'web', containerPort: 8000 }, { name: 'traefik', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/ping', port: 8080 }, periodSeconds: 2 },
            volumeMounts: [{ name: 'traefik-dynamic', mountPath: '/etc/traefik/dynamic', readOnly: true }],
          },
        ],
        volumes: [...values.deployment.additionalVolumes, { name: 'traefik-dynamic', configMap: { name: 'traefik-dynamic' } }],
      }),
      proxyService('traefik', namespace, 8000),
    ];
  },
});

test('Traefik logs no error for the route (item 8: an entry point it lacks was logged on every reload)', async () => {
  const { stdout } = await kubectl(['-n', 'lab-traefik', 'logs', 'deploy/traefik', '-c', 'traefik']);
  expect(stdout).toContain('Starting provider *file.Provider');
  expect(stdout.split('\n').filter((line) => /\bERR\b|level=error/.test(line))).toEqual([]);
});
