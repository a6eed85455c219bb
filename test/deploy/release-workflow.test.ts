import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { actionlintBinary } from '../helpers/tool-paths';

// Issue: the chart's default image (ghcr.io/openai-gemini-sidecar/openai-gemini-sidecar:0.1.0) was published by
// nothing. .github/workflows/release.yml now publishes an image and the chart on every tag v<version>; this checks the
// file with actionlint (GitHub's workflow schema, expressions, shell scripts) and checks what it pushes where.

const ROOT = resolve(__dirname, '../..');
const WORKFLOW_FILE = join(ROOT, '.github/workflows/release.yml');
const CHART = join(ROOT, 'charts/openai-gemini-sidecar');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push: { tags: string[]; branches?: unknown } };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const text = readFileSync(WORKFLOW_FILE, 'utf8');
const workflow = parseYaml(text) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const packageVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function actionlint(file: string): { status: number | null; output: string } {
  const result = spawnSync(actionlintBinary(), ['-no-color', file], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
  if (result.error) throw new Error(`actionlint could not run: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function step(predicate: (candidate: Step) => boolean, what: string): Step {
  const found = steps.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one step that ${what}, found ${found.length}`);
  return found[0]!;
}

describe('.github/workflows/release.yml', () => {
  let scratch: string;
  beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'release-workflow-'))));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('parses as YAML without warnings and passes actionlint', () => {
    const document = parseDocument(text);
    expect([...document.errors, ...document.warnings].map((problem) => problem.message)).toEqual([]);
    expect(actionlint(WORKFLOW_FILE)).toEqual({ status: 0, output: '' });
  });

  it('is really checked by actionlint: a copy with a misspelt key and a bad expression fails', () => {
    const workflows = join(scratch, '.github/workflows');
    mkdirSync(workflows, { recursive: true });
    const broken = join(workflows, 'release.yml');
    writeFileSync(broken, text.replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04').replace('steps.version.outputs.image', 'steps.versoin.outputs.image'));
    const result = actionlint(broken);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('runs_on');
    expect(result.output).toContain('versoin');
  });

  it('runs on tags v* only, with the token allowed to push packages and nothing more', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } });
    expect(workflow.permissions).toEqual({ contents: 'read', packages: 'write' });
  });

  it('refuses a tag that is not the version of package.json and of Chart.yaml (version and appVersion)', () => {
    const check = step((candidate) => candidate.id === 'version', 'checks the tag');
    expect(check.run).toContain('${GITHUB_REF_NAME#v}');
    for (const source of ['jq -r .version package.json', 'yq -r .version charts/openai-gemini-sidecar/Chart.yaml', 'yq -r .appVersion charts/openai-gemini-sidecar/Chart.yaml']) {
      expect(check.run).toContain(source);
    }
    expect(check.run).toContain('exit 1');
    // Registry paths are lower case; GitHub owners need not be.
    expect(check.run).toContain('owner="${GITHUB_REPOSITORY_OWNER,,}"');
    expect(check.run).toContain('echo "image=ghcr.io/$owner/openai-gemini-sidecar"');
    const chart = parseYaml(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    expect({ version: chart.version, appVersion: chart.appVersion }).toEqual({ version: packageVersion, appVersion: packageVersion });
  });

  it('builds the Dockerfile and pushes ghcr.io/<owner>/openai-gemini-sidecar:<version>', () => {
    const build = step((candidate) => candidate.uses?.startsWith('docker/build-push-action@') === true, 'builds the image');
    expect(build.with).toEqual(expect.objectContaining({ context: '.', file: 'Dockerfile', push: true }));
    expect(existsSync(join(ROOT, String(build.with?.file)))).toBe(true);
    expect(build.with?.tags).toBe('${{ steps.version.outputs.image }}:${{ steps.version.outputs.version }}');
    const login = step((candidate) => candidate.uses?.startsWith('docker/login-action@') === true, 'logs in to the registry');
    expect(login.with).toEqual(expect.objectContaining({ registry: 'ghcr.io', password: '${{ secrets.GITHUB_TOKEN }}' }));
    expect(steps.indexOf(login)).toBeLessThan(steps.indexOf(build));
  });

  it('packages the chart with that image as its default and pushes it to oci://ghcr.io/<owner>/charts', () => {
    const packaging = step((candidate) => candidate.run?.includes('helm package') === true, 'packages the chart');
    expect(packaging.env).toEqual({ IMAGE_REPOSITORY: '${{ steps.version.outputs.owner }}/openai-gemini-sidecar', VERSION: '${{ steps.version.outputs.version }}' });
    expect(packaging.run).toContain('.image.registry = "ghcr.io" | .image.repository = strenv(IMAGE_REPOSITORY) | .image.tag = strenv(VERSION)');
    expect(packaging.run).toContain('helm lint --strict charts/openai-gemini-sidecar');
    expect(packaging.run).toContain('helm package charts/openai-gemini-sidecar --destination chart-package');
    // The keys it sets are the chart's (an unknown key would fail the schema at install time, not here).
    const values = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { image: Record<string, unknown> };
    expect(Object.keys(values.image)).toEqual(expect.arrayContaining(['registry', 'repository', 'tag']));
    const push = step((candidate) => candidate.run?.includes('helm push') === true, 'pushes the chart');
    expect(push.run).toContain('helm registry login ghcr.io');
    expect(push.run).toContain('helm push "chart-package/openai-gemini-sidecar-$VERSION.tgz" "oci://ghcr.io/$OWNER/charts"');
    expect(steps.indexOf(packaging)).toBeLessThan(steps.indexOf(push));
  });
});
