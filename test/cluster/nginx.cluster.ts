import { IMAGES, deployment } from './lab';
import { describeSidecarMode, proxyService, repoFile, type Snippet } from './sidecar-mode';

// Plain nginx (Debian bookworm's) in a pod running config/ingress/nginx/nginx.conf, its upstream set to the chart's
// sidecar port 18080, with the sidecar container, volumes and grace period from the chart's generic snippet. nginx
// is stopped the way its official image is (SIGQUIT, graceful: `nginx -s quit` in a preStop that waits for the
// master to exit), so worker_shutdown_timeout is what bounds the streams.

describeSidecarMode({
  name: 'nginx',
  target: 'generic',
  hostPorts: [80],
  port: 80,
  manifests: (snippet: Snippet, namespace: string) => {
    const generic = snippet as unknown as { terminationGracePeriodSeconds: number; initContainers: unknown[]; volumes: unknown[] };
    const conf = repoFile('config/ingress/nginx/nginx.conf').replace(/^(\s+)server 127\.0\.0\.1:8080;$/m, '$1server 127.0.0.1:18080;');
    const nginx = ['nginx', '-c', '/etc/nginx-gemini/nginx.conf'];
    return [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nginx-gemini', namespace }, data: { 'nginx.conf': conf } },
      deployment('nginx', namespace, {
        terminationGracePeriodSeconds: generic.terminationGracePeriodSeconds,
        initContainers: generic.initContainers,
        containers: [
          {
            name: 'nginx',
            image: IMAGES.nginx,
            imagePullPolicy: 'IfNotPresent',
            command: [...nginx, '-g', 'daemon off;'],
            ports: [{ name: 'http', containerPort: 80 }],
            readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 2 },
            lifecycle: {
              preStop: { exec: { command: ['/bin/sh', '-c', `${nginx.join(' ')} -s quit; while [ -e /run/nginx.pid ]; do sleep 1; done`] } },
            },
            volumeMounts: [{ name: 'nginx-gemini', mountPath: '/etc/nginx-gemini', readOnly: true }],
          },
        ],
        volumes: [...generic.volumes, { name: 'nginx-gemini', configMap: { name: 'nginx-gemini' } }],
      }),
      proxyService('nginx', namespace, 80),
    ];
  },
});
