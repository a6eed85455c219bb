import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '@sidecar/config/load-config';
import { lint, parseManifests, render, template, type K8sObject } from './chart-tools';
import { containersOf, field, one, renderedConfig, type Container } from './manifest-checks';

// Vertex AI values (vertex.*): what a GKE user with Workload Identity sets, a key-file Secret, an express-mode key.

const GSA = 'openai-sidecar@my-project-123.iam.gserviceaccount.com';
const WORKLOAD_IDENTITY = ['vertex.enabled=true', `vertex.workloadIdentityServiceAccount=${GSA}`, 'auth.trustIngress=true'];

/** The container's literal variables, and secret references as {secret, key}. */
function env(container: Container | undefined): Record<string, unknown> {
  return Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value ?? variable.valueFrom?.secretKeyRef]));
}

/** The sidecar's own config loader over the rendered ConfigMap and the container's literal variables. */
function sidecarConfig(objects: K8sObject[]) {
  const dir = mkdtempSync(join(tmpdir(), 'chart-vertex-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(renderedConfig(objects)));
  const literal = Object.fromEntries(Object.entries(env(containersOf(one(objects, 'Deployment'))[0])).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return loadConfig({ ...literal, CONFIG_FILE: file }, dir);
}

describe('Vertex AI values (vertex.*)', () => {
  it('GKE Workload Identity with two values (plus the caller-auth choice): the ServiceAccount annotation, the Vertex variables, the metadata server let out', async () => {
    const objects = parseManifests(await render(3, [], WORKLOAD_IDENTITY));
    expect(field(one(objects, 'ServiceAccount'), 'metadata.annotations')).toEqual({ 'iam.gke.io/gcp-service-account': GSA });
    const variables = env(containersOf(one(objects, 'Deployment'))[0]);
    expect(variables).toMatchObject({ GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_LOCATION: 'global', SIDECAR_TRUST_INGRESS: 'true' });
    expect(Object.keys(variables)).not.toEqual(expect.arrayContaining(['GEMINI_API_KEY']));
    expect(variables.GOOGLE_CLOUD_PROJECT).toBeUndefined();
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    const egress = field(one(objects, 'NetworkPolicy'), 'spec.egress') as Array<{ to?: Array<{ ipBlock: { cidr: string } }>; ports: Array<{ port: number }> }>;
    const metadata = egress.find((rule) => rule.to?.some((peer) => peer.ipBlock.cidr === '169.254.169.254/32'));
    expect(metadata?.ports.map((port) => port.port)).toEqual([80, 988]);
    const config = sidecarConfig(objects);
    expect(config.vertex).toMatchObject({ enabled: true, location: 'global' });
    expect(config.vertex.project).toBeUndefined();
  });

  it('mounts a key-file Secret and names it in GOOGLE_APPLICATION_CREDENTIALS; project and location as set', async () => {
    const objects = parseManifests(
      await render(4, [], ['vertex.enabled=true', 'vertex.project=my-project-123', 'vertex.location=europe-west4', 'vertex.credentialsSecret=vertex-key', 'secret.sidecarApiKeys[0]=client-key-0123456789']),
    );
    const deployment = one(objects, 'Deployment');
    const container = containersOf(deployment)[0];
    expect(env(container)).toMatchObject({ GOOGLE_CLOUD_PROJECT: 'my-project-123', GOOGLE_CLOUD_LOCATION: 'europe-west4', GOOGLE_APPLICATION_CREDENTIALS: '/var/run/secrets/vertex/credentials.json' });
    expect(container?.volumeMounts).toEqual(expect.arrayContaining([{ name: 'vertex-credentials', mountPath: '/var/run/secrets/vertex', readOnly: true }]));
    expect(field(deployment, 'spec.template.spec.volumes')).toEqual(
      expect.arrayContaining([{ name: 'vertex-credentials', secret: { secretName: 'vertex-key', items: [{ key: 'credentials.json', path: 'credentials.json' }] } }]),
    );
    expect(sidecarConfig(objects).vertex).toMatchObject({ enabled: true, project: 'my-project-123', location: 'europe-west4', credentialsFile: '/var/run/secrets/vertex/credentials.json' });
  });

  it('reads an express-mode key from apiKeySecret', async () => {
    const objects = parseManifests(await render(3, [], ['vertex.enabled=true', 'vertex.apiKeySecret=vertex-express', 'auth.trustIngress=true']));
    expect(env(containersOf(one(objects, 'Deployment'))[0]).GOOGLE_API_KEY).toEqual({ name: 'vertex-express', key: 'api-key' });
  });

  it.each([
    { name: 'Gemini API keys next to Vertex', sets: ['vertex.enabled=true', 'secret.geminiApiKey=AIza-x', 'auth.trustIngress=true'], message: /vertex\.enabled takes no Gemini API keys/ },
    { name: 'Vertex credentials nobody guards', sets: ['vertex.enabled=true'], message: /auth\.trustIngress=true/ },
    { name: 'a service account that is not an email', sets: ['vertex.enabled=true', 'vertex.workloadIdentityServiceAccount=sidecar', 'auth.trustIngress=true'], message: /workloadIdentityServiceAccount/ },
  ])('refuses $name', async ({ sets, message }) => {
    const result = await template(3, [], sets);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('passes helm lint --strict', async () => {
    const result = await lint(4, [], WORKLOAD_IDENTITY);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
