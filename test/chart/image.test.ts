import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../helpers/sidecar-process';
import { CHART_DIR, KUBE_VERSIONS, RELEASE, helmBinary, parseManifests, render, run, type HelmMajor } from './chart-tools';
import { containersOf, one } from './manifest-checks';

// Issue: the default image (ghcr.io/openai-gemini-sidecar/openai-gemini-sidecar:0.1.0) was published by nothing, and
// the README's install commands did not set image.*: ImagePullBackOff on a real cluster. The chart now has no default
// repository and refuses to render without one, saying how to build and push the image.

const SIDECAR_MODE = ['--set', 'mode=sidecar', '--set', 'sidecar.podSelector.app=ingress', '--set', 'networkPolicy.enabled=false'];
const MESSAGE = 'image.repository is not set, and no image is published for this chart';

describe('image', () => {
  it.each<[string, string[]]>([
    ['standalone', []],
    ['sidecar', SIDECAR_MODE],
  ])('without image.repository, %s: helm template and helm install fail with how to build and push one (Helm 3 and 4)', async (_mode, modeArgs) => {
    const templates = ([3, 4] as HelmMajor[]).map((major) => run(helmBinary(major), ['template', RELEASE.name, CHART_DIR, '--kube-version', KUBE_VERSIONS[0], ...modeArgs]));
    const install = run(helmBinary(4), ['install', RELEASE.name, CHART_DIR, '--namespace', RELEASE.namespace, '--dry-run=client', ...modeArgs]);
    for (const result of await Promise.all([...templates, install])) {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(MESSAGE);
      expect(result.stderr).toContain('docker build -t ghcr.io/<owner>/openai-gemini-sidecar:0.1.0 . && docker push ghcr.io/<owner>/openai-gemini-sidecar:0.1.0');
      expect(result.stderr).toContain('set image.repository=<owner>/openai-gemini-sidecar (image.registry is ghcr.io)');
    }
  });

  it('uses the image the user names: registry, repository, and the tag (or the chart appVersion) or a digest', async () => {
    const image = async (sets: string[]): Promise<string | undefined> => containersOf(one(parseManifests(await render(3, [], sets)), 'Deployment'))[0]?.image;
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(await image([])).toBe('ghcr.io/example-org/openai-gemini-sidecar:0.1.0');
    expect(await image(['image.registry=registry.example.com', 'image.repository=platform/sidecar', 'image.tag=1.2.3'])).toBe('registry.example.com/platform/sidecar:1.2.3');
    expect(await image([`image.digest=${digest}`])).toBe(`ghcr.io/example-org/openai-gemini-sidecar@${digest}`);
    const cleared = await run(helmBinary(3), ['template', RELEASE.name, CHART_DIR, '--kube-version', KUBE_VERSIONS[0], '-f', join(CHART_DIR, 'ci/standalone-existing-secret-values.yaml'), '--set', 'image.repository=']);
    expect(cleared.stderr).toContain(MESSAGE);
  });

  it.each(['README.md', 'charts/openai-gemini-sidecar/README.md'])('%s: every helm install of the chart from the tree sets image.registry, image.repository and image.tag', (file) => {
    const text = readFileSync(join(REPOSITORY_ROOT, file), 'utf8').replaceAll('\\\n', ' ');
    const installs = text.split('\n').filter((line) => /\bhelm (install|upgrade --install)\b.*charts\/openai-gemini-sidecar/.test(line));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const line of installs) {
      expect({ line, sets: ['image.registry=', 'image.repository=', 'image.tag='].filter((set) => !line.includes(`--set ${set}`)) }).toEqual({ line, sets: [] });
    }
  });
});
