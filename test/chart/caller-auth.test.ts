import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { requireCallerAuth } from '@sidecar/config/caller-auth';
import { loadConfig } from '@sidecar/config/load-config';
import { CHART_DIR, notes, parseManifests, render, template, type HelmMajor, type K8sObject } from './chart-tools';
import { containersOf, one, renderedConfig, snippetFromNotes, snippetParts, type Container } from './manifest-checks';

// Issue: installed with the chart's defaults plus secret.geminiApiKey, a request with no Authorization header spent
// the key, and nothing said so. Who may spend the keys is now auth.trustIngress or client keys, or the render fails.

const SIDECAR_MODE = ['mode=sidecar', 'sidecar.podSelector.app=ingress', 'networkPolicy.sidecarHostPorts[0]=8000'];
const CLIENT_KEY = 'a-sidecar-client-key-0123456789';
const AUTH_VARIABLES = ['GEMINI_API_KEY', 'GEMINI_API_KEYS', 'GEMINI_API_KEYS_FILE', 'SIDECAR_API_KEYS', 'SIDECAR_TRUST_INGRESS'];
const SERVER_KEYS: Array<[string, string[]]> = [
  ['secret.geminiApiKey', ['secret.geminiApiKey=AIza-test-key']],
  ['secret.geminiApiKeys', ['secret.geminiApiKeys[0]=AIza-test-key']],
  ['existingSecret', ['existingSecret=gemini']],
  ['config.gemini.apiKeysFile', ['config.gemini.apiKeysFile=/var/run/secrets/gemini/keys']],
  ['GEMINI_API_KEY in extraEnvVars', ['extraEnvVars[0].name=GEMINI_API_KEY', 'extraEnvVars[0].value=AIza-test-key']],
];

/** The chart's container of a render, in either mode. */
async function containerOf(sets: string[], sidecar = false): Promise<Container> {
  if (!sidecar) return containersOf(one(parseManifests(await render(3, [], sets)), 'Deployment'))[0]!;
  return snippetParts('generic', true, snippetFromNotes(await notes([], [...SIDECAR_MODE, ...sets]))).container;
}

/**
 * What the pod's environment would be (a required Secret key present, an optional one absent: the worst case), run
 * through the sidecar's own start-up check with the rendered config: the refusal, or undefined when it starts. Only
 * the variables of keys and auth are carried over (the others have checks of their own).
 */
function startupRefusal(container: Container, objects: readonly K8sObject[]): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'chart-caller-auth-'));
  try {
    const env: Record<string, string> = {};
    for (const variable of (container.env ?? []).filter((candidate) => AUTH_VARIABLES.includes(candidate.name))) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
      else if (variable.valueFrom?.secretKeyRef && !variable.valueFrom.secretKeyRef.optional) env[variable.name] = CLIENT_KEY;
    }
    env.CONFIG_FILE = join(dir, 'config.yaml');
    writeFileSync(env.CONFIG_FILE, stringify(renderedConfig(objects)));
    requireCallerAuth(loadConfig(env, dir));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('auth: who may spend the Gemini keys the chart gives the sidecar', () => {
  describe.each([
    ['standalone', []],
    ['sidecar', SIDECAR_MODE],
  ])('%s mode', (_mode, modeSets) => {
    it.each(SERVER_KEYS)('fails with %s and neither client keys nor auth.trustIngress, naming both (Helm 3 and 4)', async (_name, sets) => {
      const results = await Promise.all(([3, 4] as HelmMajor[]).map((major) => template(major, [], [...modeSets, ...sets])));
      for (const result of results) {
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain('secret.sidecarApiKeys (or SIDECAR_API_KEYS in existingSecret with auth.clientKeysInSecret=true)');
        expect(result.stderr).toContain('auth.trustIngress=true (SIDECAR_TRUST_INGRESS=true)');
        expect(result.stderr).not.toContain('AIza-test-key');
      }
    });
  });

  it.each<[string, string[], Array<[string, unknown]>]>([
    ['secret.sidecarApiKeys', ['secret.geminiApiKey=AIza-test-key', `secret.sidecarApiKeys[0]=${CLIENT_KEY}`], [['SIDECAR_API_KEYS', { name: 'gemini-openai-gemini-sidecar', key: 'SIDECAR_API_KEYS' }]]],
    ['existingSecret with auth.clientKeysInSecret', ['existingSecret=gemini', 'auth.clientKeysInSecret=true'], [['SIDECAR_API_KEYS', { name: 'gemini', key: 'SIDECAR_API_KEYS' }]]],
    ['auth.trustIngress', ['existingSecret=gemini', 'auth.trustIngress=true'], [['SIDECAR_API_KEYS', { name: 'gemini', key: 'SIDECAR_API_KEYS', optional: true }], ['SIDECAR_TRUST_INGRESS', 'true']]],
    ['no Gemini key at all (callers bring their own)', [], []],
  ])('renders with %s, in an environment the sidecar starts with', async (_name, sets, expected) => {
    const objects = parseManifests(await render(3, [], sets));
    const container = containersOf(one(objects, 'Deployment'))[0]!;
    const authEnv = (container.env ?? []).filter((variable) => ['SIDECAR_API_KEYS', 'SIDECAR_TRUST_INGRESS'].includes(variable.name));
    expect(authEnv.map((variable) => [variable.name, variable.value ?? variable.valueFrom?.secretKeyRef])).toEqual(expected);
    expect(startupRefusal(container, objects)).toBeUndefined();
    const sidecarContainer = await containerOf(sets, true);
    expect(sidecarContainer.env?.filter((variable) => variable.name.startsWith('SIDECAR_'))).toEqual(authEnv);
  });

  it.each(readdirSync(join(CHART_DIR, 'ci')).filter((file) => file.endsWith('.yaml')))('ci/%s gives the sidecar an environment it starts with', async (file) => {
    const values = parse(readFileSync(join(CHART_DIR, 'ci', file), 'utf8')) as { mode?: string; sidecar?: { target: string; native?: boolean } };
    const objects = parseManifests(await render(3, [file]));
    const container = values.mode === 'sidecar'
      ? snippetParts(values.sidecar!.target, values.sidecar!.native ?? true, snippetFromNotes(await notes([file]))).container
      : containersOf(one(objects, 'Deployment'))[0]!;
    expect(startupRefusal(container, objects)).toBeUndefined();
  });

  it('would catch a render that lost SIDECAR_TRUST_INGRESS (the check above is not vacuous)', async () => {
    const objects = parseManifests(await render(3, [], ['existingSecret=gemini', 'auth.trustIngress=true']));
    const container = containersOf(one(objects, 'Deployment'))[0]!;
    const without = { ...container, env: container.env?.filter((variable) => variable.name !== 'SIDECAR_TRUST_INGRESS') };
    expect(startupRefusal(without, objects)).toContain('Refusing to start');
  });

  it('renders the sidecar-mode snippet with SIDECAR_TRUST_INGRESS when the ingress is trusted', async () => {
    const container = await containerOf(['existingSecret=gemini', 'auth.trustIngress=true'], true);
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'SIDECAR_TRUST_INGRESS', value: 'true' }]));
  });
});

describe('NOTES say which check is made, and none that is not', () => {
  const flat = (text: string): string => text.replaceAll('\n', ' ');

  it('with client keys: callers must present one, and the curl sends it', async () => {
    const text = flat(await notes([], ['existingSecret=gemini', 'auth.clientKeysInSecret=true']));
    expect(text).toContain('SIDECAR_API_KEYS required');
    expect(text).toContain('Callers must present one of the SIDECAR_API_KEYS');
    expect(text).toContain('TOKEN=...   # one of the SIDECAR_API_KEYS');
    expect(text).not.toContain('does not check callers');
  });

  it('with a trusted ingress: the sidecar checks no one, and who can reach the port', async () => {
    const [open, closed, sidecar, sidecarOpen] = (await Promise.all([
      notes([], ['secret.geminiApiKey=AIza-test-key', 'auth.trustIngress=true']),
      notes(['standalone-full-values.yaml']),
      notes(['sidecar-envoy-gateway-values.yaml']),
      notes([], [...SIDECAR_MODE, 'existingSecret=gemini', 'auth.trustIngress=true', 'networkPolicy.enabled=false']),
    ])).map(flat);
    for (const text of [open, closed, sidecar, sidecarOpen]) {
      expect(text).toContain('The sidecar does not check callers (auth.trustIngress=true): whoever reaches its API port spends the Gemini keys');
      expect(text).not.toContain('Callers must present');
    }
    expect(open).toContain('Any pod in the cluster can reach the API port: set networkPolicy.allowExternal=false');
    expect(open).not.toContain('Authorization: Bearer $TOKEN');
    expect(closed).toContain('The NetworkPolicy admits the API port only from networkPolicy.ingressFrom');
    expect(sidecar).toContain('The NetworkPolicy keeps port 18080 of the ingress pods closed to other pods');
    expect(sidecarOpen).toContain('networkPolicy.enabled is false: any pod that reaches port 18080 of the ingress pods spends the keys');
  });

  it('without a Gemini key: callers bring their own, and no sidecar check is mentioned', async () => {
    const text = flat(await notes([]));
    expect(text).toContain('No Gemini key configured');
    expect(text).toContain('TOKEN=...   # your Gemini API key');
    expect(text).not.toContain('SIDECAR_API_KEYS');
    expect(text).not.toContain('does not check callers');
  });
});
