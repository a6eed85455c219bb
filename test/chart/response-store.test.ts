import { parse } from 'yaml';
import { configSchema } from '@sidecar/config/config-schema';
import { notes, parseManifests, render, template, type HelmMajor, type K8sObject } from './chart-tools';
import { containersOf, field, one, renderedConfig, snippetParts, type Container } from './manifest-checks';

// The response store's values (store.redis.*): ci/standalone-response-store-values.yaml is also rendered, linted,
// validated and compared with its golden file by chart.test.ts like every ci file.

const STORE_CI = 'standalone-response-store-values.yaml';
const KEY = Buffer.alloc(32, 9).toString('base64');
const CREATED = ['store.redis.url=redis://redis.cache.svc:6380/1', 'store.redis.password=redis-pass', `store.redis.encryptionKey=${KEY}`];

/** The store's variables of a container, as [name, value or secret reference]. */
function storeEnv(container: Container | undefined): Array<[string, unknown]> {
  return (container?.env ?? [])
    .filter((variable) => ['REDIS_URL', 'REDIS_PASSWORD', 'STORE_ENCRYPTION_KEY'].includes(variable.name))
    .map((variable) => [variable.name, variable.value ?? variable.valueFrom?.secretKeyRef]);
}

/** The TCP ports the standalone NetworkPolicy lets out. */
function egressPorts(objects: readonly K8sObject[]): unknown[] {
  const egress = field(one(objects, 'NetworkPolicy'), 'spec.egress') as Array<{ ports?: Array<{ port: unknown; protocol: string }> }>;
  return egress.flatMap((rule) => rule.ports ?? []).filter((port) => port.protocol === 'TCP').map((port) => port.port);
}

describe('response store values (store.redis)', () => {
  it('reads the password and the encryption key from store.redis.existingSecret and lets the pods reach Redis', async () => {
    const objects = parseManifests(await render(3, [STORE_CI]));
    const container = containersOf(one(objects, 'Deployment'))[0];
    expect(storeEnv(container)).toEqual([
      ['REDIS_URL', 'redis://redis-master.redis.svc.cluster.local:6379'],
      ['REDIS_PASSWORD', { name: 'gemini-store', key: 'redis-password', optional: true }],
      ['STORE_ENCRYPTION_KEY', { name: 'gemini-store', key: 'store-encryption-key' }],
    ]);
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    expect(egressPorts(objects)).toEqual([53, 443, 6379]);
    const config = configSchema.parse(renderedConfig(objects));
    expect(config.store).toEqual({ ttlSeconds: 604_800, maxEntryBytes: 8_388_608 });
  });

  it('creates <fullname>-store from store.redis.password and encryptionKey, rolling the pods when it changes', async () => {
    const [objects, changed] = await Promise.all([render(3, [], CREATED), render(3, [], [...CREATED, 'store.redis.password=other-pass'])].map(async (text) => parseManifests(await text)));
    const secret = one(objects!, 'Secret', '-store');
    expect(secret.metadata.name).toBe('gemini-openai-gemini-sidecar-store');
    const data = secret.data as Record<string, string>;
    expect(Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]))).toEqual({
      'redis-password': 'redis-pass',
      'store-encryption-key': KEY,
    });
    const deployment = one(objects!, 'Deployment');
    expect(storeEnv(containersOf(deployment)[0])).toEqual([
      ['REDIS_URL', 'redis://redis.cache.svc:6380/1'],
      ['REDIS_PASSWORD', { name: secret.metadata.name, key: 'redis-password' }],
      ['STORE_ENCRYPTION_KEY', { name: secret.metadata.name, key: 'store-encryption-key' }],
    ]);
    const checksum = (rendered: K8sObject[]): unknown => field(one(rendered, 'Deployment'), 'spec.template.metadata.annotations.checksum/store-secret');
    expect(checksum(objects!)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(changed!)).not.toBe(checksum(objects!));
    expect(egressPorts(objects!)).toEqual([53, 443, 6380]);
  });

  it('sets no store variable, Secret or egress without store.redis.url', async () => {
    const objects = parseManifests(await render(3, [], ['store.redis.password=ignored', `store.redis.encryptionKey=${KEY}`]));
    expect(storeEnv(containersOf(one(objects, 'Deployment'))[0])).toEqual([]);
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    expect(egressPorts(objects)).toEqual([53, 443]);
  });

  it('puts the store variables in the sidecar snippet too', async () => {
    const objects = parseManifests(await render(3, ['sidecar-kong-secret-values.yaml'], [...CREATED, 'sidecar.native=true']));
    const snippet = parse((one(objects, 'ConfigMap', '-snippet').data as Record<string, string>)['snippet.yaml']!);
    const { container } = snippetParts('kong', true, snippet);
    expect(storeEnv(container).map(([name]) => name)).toEqual(['REDIS_URL', 'REDIS_PASSWORD', 'STORE_ENCRYPTION_KEY']);
    expect(one(objects, 'Secret', '-store').metadata.namespace).toBe('ai');
  });

  it('says in NOTES where responses are stored, or that there is no store', async () => {
    const [withStore, without] = await Promise.all([notes([STORE_CI]), notes(['standalone-existing-secret-values.yaml'])]);
    const flat = (text: string): string => text.replaceAll('\n', ' ');
    expect(flat(withStore)).toContain('kept in Redis at redis-master.redis.svc.cluster.local:6379 for 604800 s');
    expect(flat(withStore)).toContain('store-encryption-key of Secret gemini-store');
    expect(flat(without)).toContain('No response store (store.redis.url is empty)');
  });

  it('fails the render, naming the values, for a URL without an encryption key', async () => {
    const result = await template(3, [], ['store.redis.url=redis://redis:6379']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('store.redis.url needs the store encryption key');
    expect(result.stderr).toContain('store.redis.encryptionKey');
  });

  it.each([
    ['a URL that is not redis:// or rediss://', ['store.redis.url=http://redis:6379', `store.redis.encryptionKey=${KEY}`]],
    ['an encryption key that is not the base64 of 32 bytes', ['store.redis.url=redis://redis:6379', 'store.redis.encryptionKey=c2hvcnQ=']],
    ['the Redis URL in config (it comes from store.redis.url)', ['config.store.redisUrl=redis://redis:6379']],
    ['the encryption key in config (it comes from a Secret)', [`config.store.encryptionKey=${KEY}`]],
    ['an unknown store key', ['store.redis.host=redis']],
  ])('makes both Helm versions reject %s', async (_name, sets) => {
    const results = await Promise.all(([3, 4] as HelmMajor[]).map((major) => template(major, ['standalone-existing-secret-values.yaml'], sets)));
    for (const [index, result] of results.entries()) {
      expect({ helm: index + 3, failed: result.code !== 0, schemaError: /schema/i.test(result.stderr) }).toEqual({ helm: index + 3, failed: true, schemaError: true });
    }
  });
});
