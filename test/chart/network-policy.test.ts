import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '@sidecar/config/load-config';
import { notes, parseManifests, render, type K8sObject } from './chart-tools';
import { containersOf, field, one, renderedConfig } from './manifest-checks';

// Issue: the standalone NetworkPolicy let out only DNS and TCP 443, so a gemini.baseUrl on another port (a private
// gateway, an egress proxy) was silently blocked where NetworkPolicy is enforced. The egress port now comes from the
// base URL the sidecar will use, and NOTES say what may leave the pods.

const BASE = ['existingSecret=gemini', 'auth.clientKeysInSecret=true'];

interface EgressRule {
  ports?: Array<{ port: number | string; protocol: string }>;
  to?: unknown[];
}

/** The TCP ports the policy lets out, DNS left aside. */
function egressTcpPorts(objects: readonly K8sObject[]): Array<number | string> {
  const rules = field(one(objects, 'NetworkPolicy'), 'spec.egress') as EgressRule[];
  return rules.flatMap((rule) => rule.ports ?? []).filter((port) => port.protocol === 'TCP' && port.port !== 53).map((port) => port.port);
}

/** The port of the Gemini base URL the sidecar itself resolves from the rendered config and the container's env. */
function sidecarGeminiPort(objects: readonly K8sObject[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'chart-egress-'));
  try {
    const env: Record<string, string> = { CONFIG_FILE: join(dir, 'config.yaml') };
    writeFileSync(env.CONFIG_FILE!, stringify(renderedConfig(objects)));
    for (const variable of containersOf(one(objects, 'Deployment'))[0]?.env ?? []) {
      if (variable.name === 'GEMINI_BASE_URL' && variable.value !== undefined) env[variable.name] = variable.value;
    }
    const url = new URL(loadConfig(env, dir).gemini.baseUrl);
    return Number(url.port || (url.protocol === 'http:' ? 80 : 443));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('standalone NetworkPolicy egress', () => {
  it.each<[string, string[], Array<number | string>]>([
    ['the default Gemini API', [], [443]],
    ['a private gateway on 8443', ['config.gemini.baseUrl=https://gemini-gw.internal.example:8443'], [8443]],
    ['a plain-http egress proxy without a port', ['config.gemini.baseUrl=http://egress-proxy.internal.example'], [80]],
    ['GEMINI_BASE_URL in extraEnvVars, over config.gemini.baseUrl', [
      'config.gemini.baseUrl=https://gemini-gw.internal.example:8443', 'extraEnvVars[0].name=GEMINI_BASE_URL', 'extraEnvVars[0].value=http://10.0.0.7:3128',
    ], [3128]],
    ['an IPv6 gateway', ['config.gemini.baseUrl=https://[fd00::7]:9443'], [9443]],
    ['a gateway plus the response store', ['config.gemini.baseUrl=https://gemini-gw.internal.example:8443', 'store.redis.url=redis://redis.redis.svc:6380', 'store.redis.existingSecret=gemini-store'], [8443, 6380]],
  ])('lets out the port of %s, the one the sidecar will call', async (_name, sets, ports) => {
    const objects = parseManifests(await render(3, [], [...BASE, ...sets]));
    expect(egressTcpPorts(objects)).toEqual(ports);
    expect(egressTcpPorts(objects)[0]).toBe(sidecarGeminiPort(objects));
  });

  it('says in NOTES what may leave the pods, and when the chart cannot read GEMINI_BASE_URL', async () => {
    const [gateway, hidden, open] = await Promise.all([
      notes([], [...BASE, 'config.gemini.baseUrl=https://gemini-gw.internal.example:8443']),
      notes([], [...BASE, 'extraEnvVars[0].name=GEMINI_BASE_URL', 'extraEnvVars[0].valueFrom.configMapKeyRef.name=gemini', 'extraEnvVars[0].valueFrom.configMapKeyRef.key=url']),
      notes([], [...BASE, 'networkPolicy.allowExternalEgress=true']),
    ]);
    expect(gateway).toContain('Egress (NetworkPolicy): DNS, TCP 8443 for Gemini at https://gemini-gw.internal.example:8443; nothing else.');
    expect(hidden).toContain('GEMINI_BASE_URL in extraEnvVars comes from a reference the chart cannot read');
    expect(open).not.toContain('Egress (NetworkPolicy)');
  }, 30_000);
});
