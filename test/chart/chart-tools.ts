import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPOSITORY_ROOT } from '../helpers/sidecar-process';
import { helmBinary as provisionedHelm, kubernetesValidatePython, toolsCacheDir } from '../helpers/tool-paths';

/** The chart under test. */
export const CHART_DIR = resolve(REPOSITORY_ROOT, 'charts/openai-gemini-sidecar');
/** Where `npm test` provisions helm3, helm4 and the kubernetes-validate venv (test/tools/provision-tools.sh). */
export const TOOLS_DIR = toolsCacheDir();

/** The lowest Kubernetes version the chart supports (Chart.yaml kubeVersion) and the newest one validated. */
export const KUBE_VERSIONS = ['1.30.0', '1.37.0'] as const;
/** Optional APIs the chart renders objects for, as a cluster with those CRDs would report them. */
export const API_VERSIONS = ['monitoring.coreos.com/v1', 'gateway.networking.k8s.io/v1', 'gateway.envoyproxy.io/v1alpha1'];
/** Release name and namespace of every render (golden files depend on them). */
export const RELEASE = { name: 'gemini', namespace: 'ai' };

export type HelmMajor = 3 | 4;

/** A rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The result of one process run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** helm3 / helm4: $HELM3_BIN / $HELM4_BIN, the tools cache, or helm3 / helm4 on PATH; a clear error otherwise. */
export function helmBinary(major: HelmMajor): string {
  return provisionedHelm(major);
}

/** The venv python that has kubernetes-validate. */
export function validatorPython(): string {
  return kubernetesValidatePython();
}

/** Helm keeps its state in the tools cache and never sees a kubeconfig: there is no cluster here. */
const HELM_ENV = {
  HELM_CACHE_HOME: join(TOOLS_DIR, 'helm-home/cache'),
  HELM_CONFIG_HOME: join(TOOLS_DIR, 'helm-home/config'),
  HELM_DATA_HOME: join(TOOLS_DIR, 'helm-home/data'),
  KUBECONFIG: '/dev/null',
};

/** Runs a program to completion; never rejects on a non-zero exit. */
export function run(file: string, args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: REPOSITORY_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...HELM_ENV } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * The values every render without a ci file starts from: the image a user would have pushed (the chart names none by
 * default and refuses to render without one). Each ci file names its own.
 */
export const IMAGE_VALUES_FILE = join(__dirname, 'image-values.yaml');

/** Arguments selecting values: `-f ci/<file>` for each file (IMAGE_VALUES_FILE when none), `--set` for each assignment. */
function valuesArgs(valuesFiles: readonly string[], sets: readonly string[]): string[] {
  const files = valuesFiles.length > 0 ? valuesFiles.map((file) => join(CHART_DIR, 'ci', file)) : [IMAGE_VALUES_FILE];
  return [...files.flatMap((file) => ['-f', file]), ...sets.flatMap((set) => ['--set', set])];
}

/** `helm lint --strict` with the given values. */
export function lint(major: HelmMajor, valuesFiles: readonly string[], sets: readonly string[] = []): Promise<RunResult> {
  return run(helmBinary(major), ['lint', '--strict', CHART_DIR, '--kube-version', KUBE_VERSIONS[0], ...valuesArgs(valuesFiles, sets)]);
}

/** `helm template` as a cluster with the optional CRDs would render it (exit code and output, unchecked). */
export function template(major: HelmMajor, valuesFiles: readonly string[], sets: readonly string[] = []): Promise<RunResult> {
  return run(helmBinary(major), [
    'template', RELEASE.name, CHART_DIR, '--namespace', RELEASE.namespace, '--kube-version', KUBE_VERSIONS[0],
    ...API_VERSIONS.flatMap((api) => ['--api-versions', api]),
    ...valuesArgs(valuesFiles, sets),
  ]);
}

/** `helm template` that must succeed; returns the manifest text. */
export async function render(major: HelmMajor, valuesFiles: readonly string[], sets: readonly string[] = []): Promise<string> {
  const result = await template(major, valuesFiles, sets);
  if (result.code !== 0) throw new Error(`helm${major} template ${valuesFiles.join(' ')} ${sets.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/**
 * NOTES.txt as `helm install --dry-run=client` prints it. Helm 4 only: Helm 3's client dry-run still asks the
 * cluster for its version, and there is no cluster here.
 */
export async function notes(valuesFiles: readonly string[], sets: readonly string[] = []): Promise<string> {
  const result = await run(helmBinary(4), ['install', RELEASE.name, CHART_DIR, '--namespace', RELEASE.namespace, '--dry-run=client', ...valuesArgs(valuesFiles, sets)]);
  if (result.code !== 0) throw new Error(`helm4 install --dry-run=client failed:\n${result.stderr}`);
  const start = result.stdout.indexOf('\nNOTES:\n');
  if (start < 0) throw new Error(`no NOTES in helm4 install --dry-run=client output:\n${result.stdout.slice(0, 2000)}`);
  return result.stdout.slice(start + '\nNOTES:\n'.length);
}

/** The objects of a multi-document manifest (empty documents dropped). */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`invalid YAML in render: ${document.errors[0]?.message}`);
    const value: unknown = document.toJS();
    return value === null || value === undefined ? [] : [value as K8sObject];
  });
}

/** One object to validate, with where it came from. */
export interface Validation {
  source: string;
  object: K8sObject;
}

/** One validator verdict. */
export interface Verdict {
  source: string;
  kind: string;
  name: string;
  version?: string;
  status: 'passed' | 'failed' | 'no-schema';
  message?: string;
}

/** kubernetes-validate --strict (unknown fields rejected) for each object against each of KUBE_VERSIONS. */
export async function validateCoreKinds(objects: readonly Validation[]): Promise<Verdict[]> {
  const input = JSON.stringify({ versions: KUBE_VERSIONS, objects });
  const result = await run(validatorPython(), [join(__dirname, 'validate-manifests.py')], input);
  if (result.code !== 0) throw new Error(`validate-manifests.py failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Verdict[];
}

/** @kubernetes-models validators for the custom resources that have a package (in a separate ESM node process). */
export async function validateCustomResources(objects: readonly Validation[]): Promise<Verdict[]> {
  const result = await run(process.execPath, [join(__dirname, 'validate-crds.mjs')], JSON.stringify({ objects }));
  if (result.code !== 0) throw new Error(`validate-crds.mjs failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Verdict[];
}

/** Runs async jobs with at most `limit` at a time (helm processes on a 2-core machine). */
export async function inBatches<T>(limit: number, jobs: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
